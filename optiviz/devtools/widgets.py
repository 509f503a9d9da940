"""A widget as a browserless session holds it, and its value in the form the server expects.

The wire forms are the server's serializers': a select slider as a ``string_array_value`` of
formatted options, a selectbox or radio as the ``string_value`` of the displayed label, a
multiselect as a ``string_array_value`` of labels. A new widget starts at its default
(``_default``), a known one keeps the session's value unless the server sends ``set_value``
(``_sent_value``). Streamlit's protos are imported when a value is built, not with this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from streamlit.proto.WidgetStates_pb2 import WidgetState

VALUE_TYPES = {
    "selectbox": "string_value",
    "radio": "string_value",
    "text_input": "string_value",
    "text_area": "string_value",
    "color_picker": "string_value",
    "multiselect": "string_array_value",
    "button_group": "string_array_value",
    "checkbox": "bool_value",
    "number_input": "double_value",
}
"""Widget element -> ``WidgetState`` field; sliders are decided by their type. Buttons
(triggers), download buttons and chart selections hold no state until clicked."""


def _select_slider(p: Any) -> bool:
    from streamlit.proto.Slider_pb2 import Slider

    return p.type == Slider.Type.SELECT_SLIDER


@dataclass
class Widget:
    """One widget as the session holds it: the element's proto and the current value."""

    id: str
    kind: str
    proto: Any
    value: Any
    fragment_id: str = ""

    @property
    def label(self) -> str:
        return self.proto.label

    @property
    def value_type(self) -> str:
        if self.kind == "slider":
            return "string_array_value" if _select_slider(self.proto) else "double_array_value"
        return VALUE_TYPES[self.kind]

    def state(self) -> WidgetState:
        """This widget's value as the browser sends it."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState(id=self.id)
        if self.value_type.endswith("_array_value"):
            getattr(state, self.value_type).data[:] = self.value
        else:
            setattr(state, self.value_type, self.value)
        return state


def _default(kind: str, p: Any) -> Any:
    """A newly drawn widget's value: the server's ``set_value`` if it sent one, else the
    default; ``None`` for a widget with no value yet (an empty selectbox, say)."""
    if kind == "slider":
        if _select_slider(p):
            return list(p.raw_value) if p.set_value else [p.options[int(i)] for i in p.default]
        return list(p.value) if p.set_value else list(p.default)
    if kind in ("selectbox", "radio"):
        if p.set_value and p.HasField("raw_value"):
            return p.raw_value
        return p.options[p.default] if p.HasField("default") else None
    if kind == "multiselect":
        return list(p.raw_values) if p.set_value else [p.options[i] for i in p.default]
    if kind == "button_group":
        return list(p.raw_values) if p.set_value else [p.options[i].content for i in p.default]
    if kind == "number_input":
        if p.set_value and p.HasField("value"):
            return p.value
        return p.default if p.HasField("default") else None
    return p.value if p.set_value or not hasattr(p, "default") else p.default


def _sent_value(kind: str, p: Any) -> tuple[bool, Any]:
    """(whether the server set the value, that value) for a widget the session knows."""
    if not p.set_value:
        return False, None
    return True, _default(kind, p)
