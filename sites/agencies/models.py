"""The agencies' model, kept with the walls it draws (tenancy)."""

from sites.agencies.tenancy import Agency

__all__ = ["Agency"]
