"""The site's and the admin page's security headers, read from infra/cdn.yaml's SecurityHeaders.

The CloudFront response headers policy is the one source: the local site server sends what it
says, with the local stack's origins in place of the stage's, so the two cannot drift.
"""

from __future__ import annotations

import re
from typing import Any

from podium.localstack.aws import REPO, read_template

CDN_TEMPLATE = REPO / "infra" / "cdn.yaml"
_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9]+)\}")


def security_headers_config() -> dict[str, Any]:
    """The SecurityHeadersConfig of cdn.yaml's SecurityHeaders, as written (intrinsics as {"Sub": ...})."""
    return read_template(CDN_TEMPLATE)["Resources"]["SecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"][
        "SecurityHeadersConfig"
    ]


def page_headers(*, api_origin: str, uploads_origin: str, uploads_post_origin: str) -> dict[str, str]:
    """Header name → value for site and admin answers, with these origins for the template's parameters.

    Strict-Transport-Security is left out: browsers ignore it over plain http, and the local
    stack has no https. Any other setting this code does not know is an error, not a skip.
    """
    origins = {"ApiOrigin": api_origin, "UploadsOrigin": uploads_origin, "UploadsPostOrigin": uploads_post_origin}
    headers: dict[str, str] = {}
    for setting, value in security_headers_config().items():
        if setting == "ContentSecurityPolicy":
            headers["Content-Security-Policy"] = _substitute(value["ContentSecurityPolicy"], origins)
        elif setting == "ContentTypeOptions":
            headers["X-Content-Type-Options"] = "nosniff"
        elif setting == "FrameOptions":
            headers["X-Frame-Options"] = value["FrameOption"]
        elif setting == "ReferrerPolicy":
            headers["Referrer-Policy"] = value["ReferrerPolicy"]
        elif setting != "StrictTransportSecurity":
            raise ValueError(f"infra/cdn.yaml SecurityHeaders: {setting} has no local equivalent yet")
    return headers


def _substitute(value: Any, names: dict[str, str]) -> str:
    """A `!Sub` string with the given names filled in (any other name is an error)."""
    text = value["Sub"] if isinstance(value, dict) else value
    return _SUB_NAME.sub(lambda match: names[match.group(1)], text)
