"""Reading the synthesized Terraform JSON: resources by type and name, and what they reference."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REFERENCE = re.compile(r"\$\{(?:data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.")


@dataclass(frozen=True)
class Terraform:
    document: dict[str, Any]

    @classmethod
    def load(cls, path: Path) -> Terraform:
        return cls(json.loads(path.read_text()))

    def text(self) -> str:
        return json.dumps(self.document)

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = self.document["resource"].get(resource_type, {})
        return found

    def data(self, data_type: str) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = self.document["data"].get(data_type, {})
        return found

    def named(self, resource_type: str, key: str, value: str) -> dict[str, Any]:
        matches = [r for r in self.resources(resource_type).values() if r.get(key) == value]
        assert len(matches) == 1, f"expected one {resource_type} with {key}={value}"
        return matches[0]

    def referenced(self, reference: str) -> tuple[str, dict[str, Any]]:
        """The resource (type, configuration) a `${type.id.attribute}` string points at."""
        match = REFERENCE.search(reference)
        assert match, f"{reference} is not a reference"
        resource_type, resource_id = match.groups()
        section = "data" if reference.startswith("${data.") else "resource"
        return resource_type, self.document[section][resource_type][resource_id]

    def role_statements(self, role_name: str) -> Iterator[dict[str, Any]]:
        """The statements of every inline policy of the IAM role named `role_name`."""
        for policy in self.resources("aws_iam_role_policy").values():
            _, role = self.referenced(policy["role"])
            if role["name"] == role_name:
                _, document = self.referenced(policy["policy"])
                yield from document["statement"]

    def managed_policies(self, role_name: str) -> set[str]:
        return {
            attachment["policy_arn"]
            for attachment in self.resources("aws_iam_role_policy_attachment").values()
            if self.referenced(attachment["role"])[1]["name"] == role_name
        }
