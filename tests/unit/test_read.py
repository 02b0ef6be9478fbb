"""gxbg_kit.read: a file's bytes to a Document (empty files, formats it does not read)."""
import pytest

from gxbg_kit.errors import ReadError
from gxbg_kit.read import to_document


@pytest.mark.parametrize("data", [b"", b"   \n\t  "])
def test_empty_file(data):
    with pytest.raises(ReadError) as err:
        to_document(data, "x.txt")
    assert err.value.reason == "empty_file"


@pytest.mark.parametrize("data, what", [(b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image"),
                                        (b"\xff\xd8\xff\xe0" + bytes(100), "JPEG image"),
                                        (b"Rar!\x1a\x07" + bytes(50), "RAR archive")])
def test_images_and_archives_are_unsupported_with_a_clear_message(data, what):
    with pytest.raises(ReadError) as err:
        to_document(data, "report.txt")
    assert err.value.reason == "unsupported_format" and what in err.value.message
