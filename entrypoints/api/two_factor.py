"""Two-factor authentication (TOTP) of a login: enrol an authenticator app from its otpauth
URI or QR code, enable it on a first code, disable it, renew the recovery codes. Native
endpoints (Binance has none), for a bearer access token."""

import base64
from typing import Annotated, Any

import segno
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from msgspec import Meta, Struct

from entrypoints.api.reference import native as reference
from entrypoints.api.reference.endpoint import documented
from entrypoints.api.services import Services

AnyRequest = Request[Any, Any, Any]
TwoFactorCode = Annotated[str, Meta(min_length=1, max_length=64)]


class CodeRequest(Struct, forbid_unknown_fields=True):
    code: TwoFactorCode


class EnrolmentView(Struct, rename="camel"):
    secret: str
    otpauth_uri: str
    qr_code: str  # an SVG image as a data: URI


class RecoveryCodesView(Struct, rename="camel"):
    """Shown this once: only their digests are kept."""

    recovery_codes: list[str]


class TwoFactorView(Struct, rename="camel"):
    enabled: bool
    recovery_codes_left: int


def qr_code(uri: str) -> str:
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


class TwoFactorController(Controller):
    path = "/api/v1/two-factor"
    tags = ["Users"]

    @get(
        "",
        operation_id="twoFactorStatus",
        operation_class=documented(reference.TWO_FACTOR_STATUS),
    )
    async def status(
        self, request: AnyRequest, services: NamedDependency[Services]
    ) -> TwoFactorView:
        user_id = await services.gate.user(request)
        status = await services.two_factor.status(user_id)
        return TwoFactorView(status.enabled, status.recovery_codes_left)

    @post(
        "/enrolment",
        operation_id="enrolTwoFactor",
        operation_class=documented(reference.ENROL_TWO_FACTOR),
    )
    async def enrol(
        self, request: AnyRequest, services: NamedDependency[Services]
    ) -> EnrolmentView:
        user_id = await services.gate.user(request)
        enrolment = await services.two_factor.enrol(user_id)
        return EnrolmentView(enrolment.secret, enrolment.uri, qr_code(enrolment.uri))

    @post(
        "/enable",
        operation_id="enableTwoFactor",
        operation_class=documented(reference.ENABLE_TWO_FACTOR),
        status_code=200,
    )
    async def enable(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        data: JSONBody[CodeRequest],
    ) -> RecoveryCodesView:
        user_id = await services.gate.user(request)
        return RecoveryCodesView(await services.two_factor.enable(user_id, data.code))

    @post(
        "/disable",
        operation_id="disableTwoFactor",
        operation_class=documented(reference.DISABLE_TWO_FACTOR),
        status_code=200,
    )
    async def disable(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        data: JSONBody[CodeRequest],
    ) -> dict[str, Any]:
        user_id = await services.gate.user(request)
        await services.two_factor.disable(user_id, data.code)
        return {}

    @post(
        "/recovery-codes",
        operation_id="renewRecoveryCodes",
        operation_class=documented(reference.RENEW_RECOVERY_CODES),
        status_code=200,
    )
    async def renew_recovery_codes(
        self,
        request: AnyRequest,
        services: NamedDependency[Services],
        data: JSONBody[CodeRequest],
    ) -> RecoveryCodesView:
        user_id = await services.gate.user(request)
        codes = await services.two_factor.renew_recovery_codes(user_id, data.code)
        return RecoveryCodesView(codes)
