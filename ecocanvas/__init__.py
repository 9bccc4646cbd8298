"""ecocanvas: draft execution canvases for business ecosystems, cited, checked and reviewed."""

import os

# Nothing calls home: litellm must use its bundled cost map, Hugging Face libraries the local
# weights only. Set before any stage imports those libraries; a user's explicit value wins.
for _name, _value in (
    ("LITELLM_LOCAL_MODEL_COST_MAP", "True"),
    ("HF_HUB_OFFLINE", "1"),
    ("TRANSFORMERS_OFFLINE", "1"),
    ("HF_HUB_DISABLE_TELEMETRY", "1"),
    ("ANONYMIZED_TELEMETRY", "False"),
    ("TOKENIZERS_PARALLELISM", "false"),
):
    os.environ.setdefault(_name, _value)

__version__ = "0.1.0"
