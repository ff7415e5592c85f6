"""The published contract is valid OpenAPI 3.1, and the reference server answers by it: on
a few chosen requests, and on the hundreds that schemathesis generates from the contract
itself, with every check on, against both storages."""

import subprocess
import sys
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


def test_generated_requests_get_the_answers_the_contract_promises(service_db, tmp_path):
    """Schemathesis sends requests made from the contract's schemas, valid and not, with
    the coverage, fuzzing and stateful phases (a redemption, then its cancel): every answer
    must have a documented status, content type, headers and schema, and no 5xx."""
    with ReferenceServer(service_db, open_codes=True, clock=Clock(), rate_per_second=0) as server:
        token = httpx.post(
            f"{server.url}/v1/devices",
            json={"enrolment_code": "DEMO-2026", "device_name": "Accueil"},
        ).json()["token"]
        run = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "--config-file", str(SPEC.parents[2] / "tests" / "schemathesis.toml"),
                "run", str(SPEC), "--url", server.url,
                "--header", f"Authorization: Bearer {token}",
                "--checks", "all", "--max-examples", "20", "--seed", "1",
                "--request-timeout", "30", "--workers", "1",
            ],
            capture_output=True, text=True, timeout=600, cwd=tmp_path,  # its cache there
        )  # fmt: skip
    summary = run.stdout[-3000:]
    assert run.returncode == 0, summary
    assert "Tested: 7" in summary and "failure" not in summary  # warnings are no failures
