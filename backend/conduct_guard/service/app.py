"""The Flask application factory."""

from __future__ import annotations

import logging
from typing import Any, Mapping

from flask import Flask

from .. import __version__
from .auth import Credentials
from ..checker import Checker
from ..settings.config import load_config
from ..rules.pack import DEFAULT_PACK, load_packs
from ..engine.scoring import CACHE_BYTES, Classifier
from .state import STATE_KEY, ServiceState
from .stats import Stats, default_stats_dir

log = logging.getLogger("conduct_guard")


def build_checker(config: Mapping[str, Any]) -> Checker:
    """The checker from the configuration; the scorer may be injected (tests pass a fake one)."""
    scorer = config.get("CG_SCORER")
    if scorer is None:
        scorer = Classifier.from_model_dir(config.get("CG_MODEL_DIR"), threads=config.get("CG_THREADS", 1),
                                           cache_bytes=config.get("CG_CACHE_BYTES", CACHE_BYTES),
                                           verify_checksum=True)
        if config.get("CG_WARM_UP", True):
            scorer.warm_up()
    model_thresholds = getattr(getattr(scorer, "info", None), "thresholds", {}) or {}
    return Checker(
        scorer=scorer,
        packs=load_packs(config.get("CG_PACK_DIRS") or ()),
        default_pack=config.get("CG_PACK") or DEFAULT_PACK,
        org_terms=tuple(config.get("CG_ORG_TERMS") or ()),
        enforcement=config.get("CG_ENFORCEMENT", "block"),
        threshold_overrides=dict(config.get("CG_THRESHOLDS") or {}),
        model_thresholds=model_thresholds,
    )


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Defaults → user config file → environment → ``config`` → IT's machine policy (locked keys).

    The settings go to ``app.config``; the running state (checker, counters, pause) to a
    :class:`~conduct_guard.service.state.ServiceState` in ``app.extensions["conduct_guard.state"]``.
    """
    from .api import bp as api_bp, register_error_handlers, register_guards
    from .status import bp as status_bp
    from .status_controls import bp as status_controls_bp

    app = Flask(__name__)
    app.config.update(load_config(config))
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    checker = build_checker(app.config)
    stats = Stats(path=app.config.get("CG_STATS_DIR") or default_stats_dir(),
                  retention_days=app.config["CG_LOG_RETENTION_DAYS"])
    # the token file is created (0600) here on first start if absent (auth.py)
    state = ServiceState(checker=checker, stats=stats, config=app.config,
                         credentials=Credentials(app.config.get("CG_TOKEN_FILE")))
    app.extensions[STATE_KEY] = state
    app.extensions["conduct_guard"] = checker  # the CLI and tests reach the checker by this name
    register_guards(app)
    register_error_handlers(app)
    app.register_blueprint(api_bp)
    app.register_blueprint(status_bp)
    app.register_blueprint(status_controls_bp)
    log.debug("conduct-guard %s ready: model %s, pack %s", __version__,
              checker.scorer.model_public().get("version"), state.pack)
    return app
