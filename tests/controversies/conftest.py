from __future__ import annotations

import pytest

from tests.scenarios import World, rekognition_world


@pytest.fixture
def world(db: None) -> World:
    return rekognition_world()
