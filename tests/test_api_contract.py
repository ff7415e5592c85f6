"""The published contract is valid OpenAPI 3.1, and the reference server answers by it."""

from pathlib import Path

import httpx
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from sync.server import ReferenceServer
from tests.factories import Clock

SPEC = Path(__file__).resolve().parent.parent / "docs" / "api" / "openapi.yaml"


def schema(spec: dict, name: str) -> dict:
    """A component schema with its references resolvable."""
    return {**spec["components"]["schemas"][name], "components": spec["components"]}


def test_the_contract_is_valid_openapi():
    validate(yaml.safe_load(SPEC.read_text(encoding="utf-8")))


def test_answers_follow_the_contract(tmp_path):
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    with ReferenceServer(tmp_path / "n.sqlite3", open_codes=True, clock=Clock()) as server:
        enrolment = httpx.post(
            f"{server.url}/v1/devices",
            json={"enrolment_code": server.new_enrolment_code(), "device_name": "Accueil"},
        ).json()
        Draft202012Validator(schema(spec, "Enrolment")).validate(enrolment)
        auth = {"Authorization": f"Bearer {enrolment['token']}"}
        item = {
            "idempotency_key": "6f1c8b6e-1b7a-4f43-9f0e-3d1b0c6b2a11",
            "code": "25-ABCD-EFGH",
            "young_person": {
                "last_name": "Martin",
                "first_name": "Léa",
                "birth_date": "2012-03-15",
            },
            "recorded_at": "2025-10-15T14:32:00+02:00",
        }
        batch = httpx.post(
            f"{server.url}/v1/redemptions:batch", json={"items": [item]}, headers=auth
        ).json()
        (result,) = batch["results"]
        Draft202012Validator(schema(spec, "RedemptionResult")).validate(result)
        assert result["idempotency_key"] == item["idempotency_key"]
        changes = httpx.get(f"{server.url}/v1/redemptions", headers=auth).json()
        (redemption,) = changes["items"]
        Draft202012Validator(schema(spec, "Redemption")).validate(redemption)
        assert redemption["code"] == item["code"]
        problem = httpx.get(f"{server.url}/v1/club")
        assert problem.status_code == 401
        assert problem.headers["content-type"].startswith("application/problem+json")
        Draft202012Validator(schema(spec, "Problem")).validate(problem.json())
