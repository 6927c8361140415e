"""The request's fields are declared once (`zoelife.vocabulary.CANONICAL_FIELDS`) and are what
every way in fills: `RequestInput`'s own fields, less its bookkeeping."""

from __future__ import annotations

import dataclasses

from zoelife.ingest import fields
from zoelife.intake.inputs import RequestInput
from zoelife.vocabulary import CANONICAL_FIELDS

BOOKKEEPING = {"source", "received_at_raw", "extra", "row_number", "arrived_at", "raw",
               "treatment_codes", "numeric_ids", "hold_reason"}


def test_the_request_fields_are_request_inputs_own():
    own = [f.name for f in dataclasses.fields(RequestInput) if f.name not in BOOKKEEPING]
    assert sorted(own) == sorted(CANONICAL_FIELDS)


def test_the_field_mapping_uses_the_one_declaration():
    assert fields.CANONICAL_FIELDS is CANONICAL_FIELDS
