from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.unit
CDN = Path(__file__).resolve().parents[2] / "infra" / "cdn.yaml"


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_multi_constructor("!", lambda loader, suffix, node: {suffix: str(node.value)})


def test_cdn_template_passes_cfn_lint():
    cfn_lint = Path(sys.executable).with_name("cfn-lint")

    result = subprocess.run([str(cfn_lint), str(CDN)], capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr


def test_only_the_stages_distribution_may_read_the_site_bucket():
    resources = yaml.load(CDN.read_text(), Loader=_Loader)["Resources"]

    [statement] = resources["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    origin = resources["Distribution"]["Properties"]["DistributionConfig"]["Origins"][0]

    assert (statement["Principal"], statement["Action"]) == ({"Service": "cloudfront.amazonaws.com"}, "s3:GetObject")
    assert "distribution/${Distribution}" in str(statement["Condition"]["StringEquals"]["AWS:SourceArn"])
    assert "OriginAccessControlId" in origin
    behavior = resources["Distribution"]["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"


def test_every_site_answer_carries_the_security_headers_the_local_site_server_sends():
    from podium.localstack.page_headers import page_headers

    resources = yaml.load(CDN.read_text(), Loader=_Loader)["Resources"]
    behavior = resources["Distribution"]["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    config = resources["SecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    local = page_headers(api_origin="https://api", uploads_origin="https://files", uploads_post_origin="https://s3")

    assert behavior["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeaders"}
    assert all(setting["Override"] is True for setting in config.values())
    # Every setting but HSTS (plain http locally) has its local header, and no more.
    assert len(local) == len(config) - 1 and "StrictTransportSecurity" in config
    assert "frame-ancestors 'none'" in local["Content-Security-Policy"]
