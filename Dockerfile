# Self-hosted Optiviz: docker build -t optiviz . && docker run -p 8501:8501 optiviz
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8501 \
    OPTIVIZ_JAX_CACHE=/tmp/optiviz-jax

WORKDIR /app
COPY requirements.txt .
# The pinned packages first (a layer that outlives a change of the code), then the app
# itself, installed in place (requirements.txt's `-e .`), so that Streamlit finds its
# components' manifest, optiviz/pyproject.toml.
RUN grep -v '^-e ' requirements.txt > /tmp/pins.txt && pip install --no-cache-dir -r /tmp/pins.txt

COPY pyproject.toml README.md app.py ./
COPY .streamlit ./.streamlit
COPY assets ./assets
COPY optiviz ./optiviz
RUN pip install --no-cache-dir --no-deps -e . && useradd --create-home --uid 10001 optiviz
USER 10001

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['PORT'] + '/_stcore/health', timeout=4)"]

# Through sh, because hosting platforms pass the port in $PORT.
CMD ["sh", "-c", "exec streamlit run app.py --server.port=\"$PORT\" --server.address=0.0.0.0"]
