# quotebot: the Telegram bot and its indexer in one image (docker-compose.yml runs both).
#
#   docker build -t quotebot .                                                      the model is fetched on first use
#   docker build --build-arg PULL_MODEL=BAAI/bge-small-zh-v1.5 -t quotebot .        the model baked into the image
#   docker build --build-arg PULL_MODEL=BAAI/bge-small-zh-v1.5 --build-arg HF_ENDPOINT=https://mirror.example -t quotebot .
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

# torch from PyTorch's CPU wheel index: constraints.txt pins torch==2.13.0, which that index's 2.13.0+cpu build meets
# (a specifier without a local label matches any local label), and pip takes it over PyPI's 2.13.0 because a local
# version sorts after its public one. From PyPI alone, torch pulls several GB of CUDA packages.
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
# copies that ownership (and what the image holds there, such as a baked model) from the image.
RUN useradd --create-home --uid 10001 --user-group quotebot \
    && mkdir -p /data /cache/huggingface /documents \
    && chown -R quotebot:quotebot /data /cache
USER quotebot

# PULL_MODEL: a sentence-transformers model to bake into the image's model cache (HF_HOME), so that no container
# needs the model hub; it is then checked as `quotebot model check` does. HF_ENDPOINT: the hub or a mirror of it to
# download from. Empty PULL_MODEL: nothing baked; the indexer downloads the model on its first run where it can.
ARG PULL_MODEL=
ARG HF_ENDPOINT=https://huggingface.co
RUN if [ -n "$PULL_MODEL" ]; then quotebot model pull "$PULL_MODEL"; fi

ENTRYPOINT ["quotebot"]
CMD ["serve"]
