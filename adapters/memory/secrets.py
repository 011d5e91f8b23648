"""Secrets kept in the process: what a secret store holds, for memory runs and tests."""

from attrs import define, field

from application.errors import SecretMissing


@define
class MemorySecrets:
    _values: dict[str, str] = field(factory=dict)

    def put(self, secret_id: str, value: str) -> None:
        """Stores a secret's new value, as a rotation does."""
        self._values[secret_id] = value

    async def read(self, secret_id: str) -> str:
        try:
            return self._values[secret_id]
        except KeyError:
            raise SecretMissing(f"No secret {secret_id}") from None
