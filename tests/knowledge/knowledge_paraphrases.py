"""A small paraphrase retrieval set: each query restates one passage in other words.

Targets and distractors share the vocabulary of an EV-charging ecosystem, so a retriever has to
match meaning, not the topic. Some queries keep a name or number (where BM25 helps), most do not.
"""

from __future__ import annotations

# (query, target passage)
PAIRS: list[tuple[str, str]] = [
    (
        "Which partner brings new station operators onto the network?",
        "ChargeCo is accountable for onboarding new charge point operators to the roaming platform, "
        "including contract signature and technical certification.",
    ),
    (
        "How often does the governing board get together to check the plan and shift funds?",
        "The steering committee meets every quarter to review progress against the roadmap and to decide "
        "on budget reallocations.",
    ),
    (
        "Who handles money transfers among the participants, and how quickly?",
        "GridPay settles all roaming transactions between operators and mobility service providers within "
        "five business days.",
    ),
    (
        "What happens when two members disagree and cannot sort it out themselves?",
        "Disputes between partners are first raised with the programme manager; unresolved issues escalate "
        "to the executive sponsors within ten days.",
    ),
    (
        "How do we find out whether motorists are happy with the service?",
        "Customer satisfaction is tracked through a net promoter score survey sent to drivers after each "
        "charging session.",
    ),
    (
        "What does the city contribute to the programme?",
        "The municipality provides public parking spaces and grants permits for installing chargers on city streets.",
    ),
    (
        "Which organisation receives information about station utilisation, and on what legal basis?",
        "Usage data from the chargers is shared with the research institute under a data processing "
        "agreement, anonymised at the source.",
    ),
    (
        "How is income divided between the owner of the location and the company running the stations?",
        "Revenue from charging fees is split seventy percent to the site host and thirty percent to the operator.",
    ),
    (
        "What is the process for modifying the interface contract that integrators build against?",
        "Any change to the shared API specification requires approval from the technical working group and "
        "two weeks' notice to all integrators.",
    ),
    (
        "What reliability level must the stations reach, and where is it published?",
        "Uptime of the charging network must stay above 98 percent each month; the operator reports "
        "availability in a monthly dashboard.",
    ),
    (
        "What special treatment do businesses with many cars get?",
        "Fleet customers receive a dedicated account manager and consolidated monthly invoicing for all "
        "their vehicles.",
    ),
    (
        "Which use cases are left out of the trial?",
        "The pilot excludes residential home charging and heavy-duty truck depots; it covers only public "
        "sites in the metropolitan area.",
    ),
    (
        "Who teaches the people that put the equipment in?",
        "Training for installers is delivered by the vocational college, which certifies technicians after "
        "a three-day course.",
    ),
    (
        "How does the power company help lower what we pay for electricity at night?",
        "The energy utility guarantees grid connection capacity and offers off-peak tariffs to reduce "
        "electricity costs.",
    ),
    (
        "How fast must a breach be notified, and to whom?",
        "Cybersecurity incidents must be reported to the security officer within 24 hours and are reviewed "
        "at the next steering committee.",
    ),
]

DISTRACTORS: list[str] = [
    "The marketing campaign for the launch runs on radio and social media during the summer months.",
    "Brand guidelines require the joint logo on every charger, app screen and printed leaflet.",
    "Hardware is procured through a framework contract with two charger manufacturers.",
    "The mobile app lets drivers find available stations, start a session and pay by card.",
    "Roaming between networks uses the OCPI protocol, version 2.2.1, for sessions and tariffs.",
    "Insurance for the installed equipment is arranged by the site host under its property policy.",
    "Preventive maintenance visits take place twice a year at every public charging site.",
    "The programme office keeps the risk register and circulates it before each partner meeting.",
    "Signage at each site shows the tariff, the helpline number and the operator's name.",
    "A helpline for drivers is staffed around the clock by the operator's service desk.",
    "The partners agreed to publish a joint annual report on the state of the network.",
    "New site hosts are selected on footfall, grid capacity and parking availability.",
    "Battery storage at two depots is evaluated as an option for the second phase.",
    "The research institute publishes a yearly study on charging behaviour in the region.",
    "Partners share a common glossary so that the terms in contracts mean the same thing.",
    "The operator replaces faulty charging cables within 48 hours of a fault report.",
    "Drivers can reserve a charger up to fifteen minutes in advance through the app.",
    "Tariffs are reviewed once a year and published on the website one month before a change.",
    "The executive sponsors sign the annual plan after the steering committee has endorsed it.",
    "Data about driver accounts is stored in the European Union and deleted after two years.",
]
