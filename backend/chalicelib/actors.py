"""Who is acting: a signed-in user, the system (schedules, CLI) or nobody."""

from __future__ import annotations

from typing import Any, NamedTuple


class Actor(NamedTuple):
    """The caller of a request or the trigger of a job. `roles` are site-wide (admin, super_admin)."""

    id: str
    kind: str  # "user" | "system" | "anonymous"
    roles: frozenset[str] = frozenset()
    name: str = ""

    @property
    def is_admin(self) -> bool:
        return bool({"admin", "super_admin"} & self.roles)

    @property
    def is_super_admin(self) -> bool:
        return "super_admin" in self.roles

    @property
    def is_anonymous(self) -> bool:
        return self.kind == "anonymous"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "roles": sorted(self.roles), "name": self.name}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Actor:
        return cls(id=data["id"], kind=data["kind"], roles=frozenset(data.get("roles", ())), name=data.get("name", ""))


SYSTEM = Actor(id="system", kind="system", roles=frozenset({"super_admin"}), name="Podium (system)")
ANONYMOUS = Actor(id="anonymous", kind="anonymous", name="anonymous")
