"""Getting the encoder onto a machine once, and checking that it loads from there with no network.

`quotebot model pull` downloads a model from the hub huggingface_hub is configured with (HF_ENDPOINT names a mirror)
into the local Hugging Face cache (HF_HOME), then checks it as `quotebot model check` does: loaded from the cache or
a local directory only, it encodes probe sentences, and their vectors and the tokenizer's unknown-token rate on them
are reported. Preparing a machine, or an image (the Dockerfile's PULL_MODEL), is one pull; every later start loads
the model offline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.config import NO_MODEL, IndexSettings
from retrieval.encoder import (
    MODEL_HELP,
    Encoder,
    encode,
    hub_endpoint,
    hub_offline,
    hub_reachable,
    in_local_cache,
    load_sentence_transformer,
    unknown_rate,
)
from retrieval.errors import ModelLoadError, first_line

# Written for this check from general knowledge of the kind of text (city notices), not taken from any test set.
CHINESE_PROBES = (
    "市民可以在政务服务中心办理居住证，工作日上午九点至下午五点受理。",
    "申請人須攜帶身份證明文件到區公所辦理登記手續。",
    "今年全市新建公园十二个，新增绿地面积三百公顷。",
)
ENGLISH_PROBES = (
    "The central library is open from nine in the morning until eight in the evening.",
    "Residents can apply for a parking permit online or at the district office.",
)


@dataclass(frozen=True)
class ModelCheck:
    """What loading a model offline and encoding the probes showed."""

    model: str  # the name or path checked
    source: str  # where it was loaded from: the local directory, or the Hugging Face cache folder
    dim: int
    chinese_unknown_rate: float | None  # share of the tokenizer's unknown tokens on the Chinese probes; None: not measurable
    english_unknown_rate: float | None
    max_unknown_rate: float  # above this on a corpus, an index does not use the model

    @property
    def reads_chinese(self) -> bool:
        return self.chinese_unknown_rate is None or self.chinese_unknown_rate <= self.max_unknown_rate

    def describe(self) -> str:
        """One line for people."""
        rates = ", ".join(
            f"{rate:.1%} of the {language} probe" for language, rate in (("Chinese", self.chinese_unknown_rate), ("English", self.english_unknown_rate))
            if rate is not None
        )
        line = f"{self.model}: loads offline from {self.source}; {self.dim} dimensions"
        line += f"; unknown tokens: {rates}" if rates else "; the unknown-token rate cannot be measured (no tokenizer with an unknown token)"
        if not self.reads_chinese:
            line += (
                f". It cannot read Chinese (above the {self.max_unknown_rate:.0%} limit): an index of Chinese documents will "
                "not use it, and answers will use lexical matching only"
            )
        return line


def _is_path(name: str) -> bool:
    return Path(name).expanduser().exists()


def check_model(
    name: str, settings: IndexSettings, *, loader: Callable[..., Encoder] = load_sentence_transformer, cached: Callable[[str], bool] = in_local_cache
) -> ModelCheck:
    """Load the model from a local directory or the local cache only (no network), encode the probes, and report.

    Raises ModelLoadError with one sentence naming what to do when it is missing or does not work.
    """
    if name.strip().lower() == NO_MODEL:
        raise ModelLoadError("the model is 'none' (dense retrieval turned off): there is nothing to check; name a model, or set QUOTEBOT_MODEL")
    if _is_path(name):
        source = str(Path(name).expanduser())
    elif cached(name):
        source = _cache_folder()
    else:
        raise ModelLoadError(f"the sentence encoder {name} is not in the local model cache ({_cache_folder()}). To get it: {MODEL_HELP}")
    try:
        encoder = loader(source if _is_path(name) else name, local_files_only=True)
        vectors = encode(encoder, [*CHINESE_PROBES, *ENGLISH_PROBES], batch_size=8)
    except ModelLoadError:
        raise
    except Exception as err:  # noqa: BLE001 - any failure inside the model library
        raise ModelLoadError(f"the sentence encoder {name} is there ({source}) but does not work: {first_line(err)}") from err
    if not np.isfinite(vectors).all() or not np.linalg.norm(vectors, axis=1).all():
        raise ModelLoadError(f"the sentence encoder {name} ({source}) gives empty or broken vectors for the probe sentences")
    return ModelCheck(
        model=name,
        source=source,
        dim=int(vectors.shape[1]),
        chinese_unknown_rate=unknown_rate(encoder, list(CHINESE_PROBES)),
        english_unknown_rate=unknown_rate(encoder, list(ENGLISH_PROBES)),
        max_unknown_rate=settings.max_unknown_rate,
    )


def pull_model(
    name: str,
    settings: IndexSettings,
    *,
    probe: Callable[[], bool] = hub_reachable,
    loader: Callable[..., Encoder] = load_sentence_transformer,
    cached: Callable[[str], bool] = in_local_cache,
) -> ModelCheck:
    """Download the model into the local Hugging Face cache (unless it is a local directory), then check_model it.

    Raises ModelLoadError with one sentence when the hub cannot be reached or the download fails.
    """
    if name.strip().lower() == NO_MODEL or _is_path(name):
        return check_model(name, settings, loader=loader, cached=cached)
    if hub_offline():
        raise ModelLoadError(f"cannot download {name}: downloads are turned off (HF_HUB_OFFLINE is set); unset it for the pull")
    if not probe():
        raise ModelLoadError(
            f"cannot download {name}: the model hub at {hub_endpoint()} cannot be reached. Set HF_ENDPOINT to a mirror "
            "that can, or copy the model's folder to this machine and set QUOTEBOT_MODEL to it"
        )
    try:
        loader(name, local_files_only=False)
    except Exception as err:  # noqa: BLE001 - any failure inside the model library or the download
        raise ModelLoadError(f"cannot download {name} from {hub_endpoint()}: {first_line(err)}") from err
    return check_model(name, settings, loader=loader, cached=cached)


def _cache_folder() -> str:
    """The Hugging Face cache folder models are downloaded into (HF_HOME/hub, or HF_HUB_CACHE)."""
    try:
        from huggingface_hub import constants
    except ImportError:
        return "the Hugging Face cache"
    return str(constants.HF_HUB_CACHE)
