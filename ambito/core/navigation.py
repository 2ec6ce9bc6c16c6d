"""Navigation by role. Each app lists its entries in ``<app>/navigation.py`` as ``ITEMS``; the header
and the home page show a user the entries of its roles."""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str  # lazy translation
    description: str = ""
    roles: frozenset = field(default_factory=frozenset)  # empty: any user with a membership
    public: bool = False  # shown to everyone, signed in or not
    order: int = 50
    icon: str = "it-list"

    def visible_to(self, scope) -> bool:
        if self.public:
            return True
        if not scope.by_role:
            return False
        return not self.roles or scope.has(*self.roles)

    @property
    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


_registry: list[NavItem] | None = None


def registry() -> list[NavItem]:
    global _registry
    if _registry is None:
        items: list[NavItem] = []
        for config in apps.get_app_configs():
            if not config.name.startswith("ambito."):
                continue
            try:
                module = import_module(f"{config.name}.navigation")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.navigation":
                    raise
                continue
            items.extend(getattr(module, "ITEMS", []))
        _registry = sorted(items, key=lambda item: item.order)
    return _registry


def items_for(scope) -> list[NavItem]:
    return [item for item in registry() if item.visible_to(scope) and item.url]
