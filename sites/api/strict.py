"""Both APIs refuse query parameters they do not know, with a 422 naming each.

A misspelt filter (`?tpye=news_story`) would otherwise be ignored silently, and a partner's
front end would show everything instead of what it asked for.
"""

import functools

from ninja.errors import ValidationError


def refuse_unknown_parameters(run):
    """A view-mode decorator (NinjaAPI.add_decorator) around one operation's run."""
    operation = run.__self__
    allowed = set()
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) == "query":
            allowed |= set(getattr(model, "__ninja_flatten_map__", None) or model.model_fields)

    @functools.wraps(run)
    def checked(request, *args, **kwargs):
        unknown = sorted(set(request.GET) - allowed)
        if unknown:
            expected = ", ".join(sorted(allowed)) or "none"
            error = ValidationError(
                [
                    {
                        "loc": ["query", name],
                        "msg": f"Unknown parameter '{name}'; this endpoint takes: {expected}.",
                        "type": "unknown_parameter",
                    }
                    for name in unknown
                ]
            )
            return operation.api.on_exception(request, error)
        return run(request, *args, **kwargs)

    return checked
