# quotebot: the Telegram bot and its indexer in one image (docker-compose.yml runs both).
FROM python:3.11-slim

# PTB_TIMEDELTA=true: python-telegram-bot 22 returns durations (retry_after) as timedeltas, its future default,
# the mode the tests run in.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    QUOTEBOT_HOME=/data \
    HF_HOME=/cache/huggingface \
    PTB_TIMEDELTA=true

WORKDIR /app

# torch is pinned to its CPU build (torch==2.13.0+cpu in constraints.txt). That build lives on PyTorch's CPU wheel
# index, https://download.pytorch.org/whl/cpu; from PyPI alone, any torch pulls several GB of CUDA packages.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu

# Dependencies in their own layer, so a code change does not download torch again.
COPY constraints.txt ./
RUN pip install --extra-index-url "$TORCH_INDEX_URL" -c constraints.txt "torch==2.13.0"

COPY pyproject.toml README.md ./
COPY corpus ./corpus
COPY retrieval ./retrieval
COPY bot ./bot
RUN pip install --extra-index-url "$TORCH_INDEX_URL" -c constraints.txt . \
    && quotebot --help > /dev/null

# Not root. The folders that compose mounts as named volumes belong to the user, and a new named volume
# copies that ownership from the image.
RUN useradd --create-home --uid 10001 --user-group quotebot \
    && mkdir -p /data /cache/huggingface /documents \
    && chown -R quotebot:quotebot /data /cache
USER quotebot

ENTRYPOINT ["quotebot"]
CMD ["serve"]
