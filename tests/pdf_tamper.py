"""Alter a signed PDF the ways a forger would, for the tests of ``verify_pdf`` and /verify."""

from __future__ import annotations

import io
import warnings

from PIL import Image


def _pyhanko() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pyhanko.sign  # noqa: F401  (imports cryptography's deprecated DSA module)


def overlay_image(pdf: bytes, *, page: int = 0, box: tuple[float, float, float, float] = (60, 400, 300, 60)) -> bytes:
    """Return ``pdf`` with a white image pasted over part of a page, appended as an incremental update.

    The original bytes — and so the signature over them — stay untouched; the page shows something else.
    """
    _pyhanko()
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.images import pil_image
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    image_ref = pil_image(Image.new("RGB", (40, 10), "white"), writer)
    x, y, width, height = box
    content = generic.StreamObject(stream_data=f"q {width} 0 0 {height} {x} {y} cm /Forgery Do Q".encode())
    resources = generic.DictionaryObject({
        generic.NameObject("/XObject"): generic.DictionaryObject({generic.NameObject("/Forgery"): image_ref}),
    })
    writer.add_stream_to_page(page, writer.add_object(content), resources=resources)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def replace_embedded_document(pdf: bytes, new_json: bytes) -> bytes:
    """Return ``pdf`` with its embedded ``document.json`` replaced in an incremental update."""
    _pyhanko()
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = names[1].get_object()
    stream_ref = spec.raw_get("/EF").raw_get("/F")
    stream = stream_ref.get_object()
    stream._data = new_json  # decoded data; re-encoded on write
    stream._encoded_data = None
    writer.mark_update(stream_ref)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flip_byte(pdf: bytes, at: float = 0.4) -> bytes:
    """Return ``pdf`` with one bit changed at a fraction ``at`` of its length (inside the signed content)."""
    data = bytearray(pdf)
    data[int(len(data) * at)] ^= 0x01
    return bytes(data)
