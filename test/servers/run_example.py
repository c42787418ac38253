"""Runs an example service's FastAPI app (app.main:app) under uvicorn on 127.0.0.1:<port>.

Debian ships FastAPI, Starlette, uvicorn, boto3 and PyJWT but not pydantic-settings or Mangum: when they
are missing, minimal stand-ins are installed first (settings read from PROFILES_* environment variables;
Mangum's handler is not used locally). Usage: run_example.py <example dir> <port>
"""
import json
import os
import sys
import types


def _stand_in_pydantic_settings():
    module = types.ModuleType("pydantic_settings")

    def settings_config_dict(**kwargs):
        return kwargs

    class BaseSettings:
        def __init__(self, **values):
            config = getattr(type(self), "model_config", {}) or {}
            prefix = config.get("env_prefix", "")
            names = {}
            for klass in reversed(type(self).__mro__):
                names.update(getattr(klass, "__annotations__", {}))
            for name in names:
                if name == "model_config":
                    continue
                default = getattr(type(self), name, None)
                raw = os.environ.get((prefix + name).upper())
                if raw is None:
                    value = values.get(name, default)
                elif isinstance(default, (list, dict)):
                    value = json.loads(raw)
                else:
                    value = raw
                setattr(self, name, value)

    module.BaseSettings = BaseSettings
    module.SettingsConfigDict = settings_config_dict
    sys.modules["pydantic_settings"] = module


def _stand_in_mangum():
    module = types.ModuleType("mangum")
    module.Mangum = lambda app, **kwargs: None
    sys.modules["mangum"] = module


def install_stand_ins():
    """pydantic-settings and Mangum, where Debian lacks them (run_block.py uses these too)."""
    try:
        import pydantic_settings  # noqa: F401
    except ImportError:
        _stand_in_pydantic_settings()
    try:
        import mangum  # noqa: F401
    except ImportError:
        _stand_in_mangum()


def main():
    example_dir, port = sys.argv[1], int(sys.argv[2])
    install_stand_ins()
    sys.path.insert(0, example_dir)
    import uvicorn

    uvicorn.run("app.main:app", host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
