"""The synthetic furnishers: who furnishes what (each within its kind's catalogue rights)."""

from __future__ import annotations

from dataclasses import dataclass

LOANS = ["loan.opened", "loan.repayment", "loan.default", "loan.closed"]
COURT = ["court.judgment", "court.fulfilment", "court.listing", "court.delisting"]


@dataclass(frozen=True)
class FurnisherSpec:
    """A furnisher of the synthetic population; ``slug`` names its record files."""

    slug: str
    name: str
    kind: str
    categories: tuple[str, ...]


FURNISHERS = (
    FurnisherSpec(
        "hengfeng-bank", "Hengfeng Bank (synthetic)", "bank", (*LOANS, "card.utilisation")
    ),
    FurnisherSpec("jiangnan-bank", "Jiangnan Commercial Bank (synthetic)", "bank", tuple(LOANS)),
    FurnisherSpec(
        "zhifu-pay", "Zhifu Pay (synthetic)", "payment_platform", (*LOANS, "payment.transfer")
    ),
    FurnisherSpec(
        "kuaidai-finance",
        "Kuaidai Finance (synthetic)",
        "payment_platform",
        (*LOANS, "bill.payment"),
    ),
    FurnisherSpec(
        "city-utilities", "Municipal Utilities Group (synthetic)", "utility", ("bill.payment",)
    ),
    FurnisherSpec("lianxin-telecom", "Lianxin Telecom (synthetic)", "utility", ("bill.payment",)),
    FurnisherSpec("anju-rentals", "Anju Rentals (synthetic)", "landlord", ("bill.payment",)),
    FurnisherSpec(
        "peoples-courts", "People's Courts (synthetic)", "court", (*COURT, "contract.breach")
    ),
    FurnisherSpec(
        "tax-bureau",
        "Tax Bureau (synthetic)",
        "tax_office",
        ("tax.filing", "tax.arrears", "penalty.imposed", "penalty.paid", "commendation"),
    ),
    FurnisherSpec(
        "market-regulator",
        "Market Regulation Administration (synthetic)",
        "regulator",
        (
            "licence.granted",
            "licence.revoked",
            "inspection.result",
            "penalty.imposed",
            "penalty.paid",
            "commendation",
        ),
    ),
    FurnisherSpec(
        "traffic-police",
        "Traffic Police Bureau (synthetic)",
        "regulator",
        ("penalty.imposed", "penalty.paid"),
    ),
    FurnisherSpec(
        "identity-service",
        "Trusted Identity Service (synthetic)",
        "identity_provider",
        ("identity.verification",),
    ),
)
BY_SLUG = {spec.slug: spec for spec in FURNISHERS}
INFLATING = "kuaidai-finance"
