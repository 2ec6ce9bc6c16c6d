"""The demo Ambito: shared context passed to each app's ``demo.load(ctx)`` in dependency order."""

from dataclasses import dataclass, field

DEMO_PASSWORD = "ambito-demo-2026"  # documented in the README; load_demo refuses to run unless DEBUG is on

# Apps contribute demo data in this order; each loader is idempotent.
DEMO_APPS = ["territory", "accounts", "network", "planning", "access", "care", "monitoring", "privacy", "region"]
# Steps that are not an app's own ``demo`` module: a second Ambito of the Region for the regional observer,
# loaded last by `manage.py load_demo`; tests load it only when they ask for it (``demo_with("region")``).
DEMO_MODULES = {"region": "ambito.monitoring.demo_region"}


@dataclass
class DemoContext:
    ambito: object = None
    comuni: dict = field(default_factory=dict)  # by short key: "monza", "brugherio", "villasanta"
    organisations: dict = field(default_factory=dict)  # by short key
    users: dict = field(default_factory=dict)  # by username
    services: dict = field(default_factory=dict)  # network services by short key ("sad_monza", "adi", …)
    plans: dict = field(default_factory=dict)  # planning: {"2021": plan, "2025": plan}
    accounts: list = field(default_factory=list)  # (username, role label, organisation, what to try)
    log: list = field(default_factory=list)

    def say(self, line: str):
        self.log.append(line)


def load_demo(apps: list[str] | None = None, *, stdout=None) -> DemoContext:
    from importlib import import_module

    ctx = DemoContext()
    for app in apps or DEMO_APPS:
        name = DEMO_MODULES.get(app, f"ambito.{app}.demo")
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.load(ctx)
        if stdout is not None:
            for line in ctx.log:
                stdout.write(f"  {app}: {line}")
        ctx.log.clear()
    return ctx
