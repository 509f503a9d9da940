"""Support code for the tests: the browser and server fixtures (``browser``), what the page
shows (``reads``), what the engine says it should show (``expected``), the checks that
compare the two (``checks``) and the seeded browser walk (``walk``)."""
