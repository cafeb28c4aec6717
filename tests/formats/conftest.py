from pathlib import Path

import pytest

# CI clones the repo with ../shared beside it.
DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "openevent"


@pytest.fixture(scope="session")
def sample_2017():
    return DATA / "FOSSASIASummit2017"


@pytest.fixture(scope="session")
def sample_2018():
    return DATA / "FOSSASIASummit2018"
