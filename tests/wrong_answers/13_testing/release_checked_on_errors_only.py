"""Topic 13: releases are counted for error answers only, which aiohttp releases by itself."""

from unittest.mock import patch

import aiohttp
import pytest
from aioresponses import aioresponses

import client

URL = "http://api.test/items"


async def test_releases_every_response():
    release = aiohttp.ClientResponse.release
    with aioresponses() as mocked, patch.object(
        aiohttp.ClientResponse, "release", autospec=True, side_effect=release
    ) as spy:
        mocked.get(URL, status=503, repeat=True)
        async with client.Client(attempts=3) as api:
            with pytest.raises(client.FetchError):
                await api.get_json(URL)
    assert len({call.args[0] for call in spy.call_args_list}) == 3
