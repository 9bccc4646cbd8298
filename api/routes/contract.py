"""The contract's vocabulary (sections, entry lists, enums, call grouping); public: it names no workspace data."""

from __future__ import annotations

from fastapi import APIRouter

from ecocanvas.api.contract import ContractOut, contract

router = APIRouter(tags=["contract"])


@router.get(
    "/contract",
    response_model=ContractOut,
    summary="The canvas sections, their entry lists, the enums and how the generator groups sections into calls",
)
async def get_contract() -> ContractOut:
    return contract()
