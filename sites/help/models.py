"""The help directory's models, each kept in the module of what it is."""

from sites.help.imports import HelpImport
from sites.help.organizations import Organization
from sites.help.pages import FindHelpPage
from sites.help.resources import HelpResource

__all__ = ["FindHelpPage", "HelpImport", "HelpResource", "Organization"]
