"""A retrieval set aimed at the middle and the end of long chunks, not their openings.

Each passage is one chunk of about 1,000 characters (180-205 word pieces, under the 1,200-character
chunk target) that moves through several unrelated matters, so an encoder that reads only a chunk's
first 128 tokens never sees its last sentences. Every passage has one query paraphrasing a sentence
in its middle and one paraphrasing its last sentence, in other words than the passage uses. A hit
counts when it comes from the passage's document.
"""

from __future__ import annotations

# (passage, query about its middle, query about its end)
TAILS: list[tuple[str, str, str]] = [
    (
        "Brightwire Energy opened the programme in March 2024 with forty-two charge points across the "
        "northern ring road, financed through a blended loan from the regional development bank and two "
        "municipal utilities. During the first winter, installers from Kestrel Mobility replaced eleven "
        "faulty connectors and recalibrated the payment terminals at the Oosterpark depot. Spare parts are "
        "ordered through a consignment stock held at the Vantor warehouse, which Kestrel replenishes every "
        "fortnight under a framework contract. Brightwire's board approved a second tranche of capital "
        "expenditure in September, conditional on utilisation above nineteen percent for two consecutive "
        "quarters. Drivers who report a broken station through the mobile application receive a credit of "
        "two euros once a technician confirms the fault. Finally, the consortium agreed that any press "
        "release naming a partner must be cleared by that partner's communications lead at least "
        "seventy-two hours before publication, and embargoed statements are stored in the shared "
        "drive under restricted access.",
        "Where do replacement components come from and how often is that supply topped up?",
        "How much notice does a member get before an announcement mentioning it goes out?",
    ),
    (
        "The Lindqvist dairy cooperative collects milk from one hundred and sixty farms in the Dalarna "
        "valley and processes it at two plants, one in Mora and one in Rättvik. Farmers are paid on the "
        "fifteenth of each month according to volume, fat content and a hygiene bonus measured by somatic "
        "cell counts. Tanker routes are planned by the logistics office using a shared calendar that each "
        "farm confirms by six in the evening the day before collection. When a tanker breaks down, the "
        "cooperative hires a replacement vehicle from Norrfrakt, whose drivers hold the same food-safety "
        "certificate as the cooperative's own staff. Surplus cream is sold to a chocolate maker in Falun "
        "under a rolling twelve-month agreement. Membership fees were frozen for 2025 after the annual "
        "assembly voted against an increase. Young farmers under thirty may borrow up to forty thousand "
        "kronor interest-free from the solidarity fund for their first herd expansion, repayable over "
        "six years.",
        "Who supplies a truck when one of the collection vehicles stops working?",
        "What financial help is there for early-career producers growing their livestock?",
    ),
    (
        "Harbour Link coordinates container handling between the port authority, three terminal operators "
        "and the rail freight company Baltrail. Vessel arrival slots are published seventy-two hours ahead "
        "on the port community system, and terminals must confirm berth windows within six hours. Customs "
        "pre-clearance is handled by the Aduana liaison desk, which screens manifests overnight and flags "
        "containers for physical inspection before the ship docks. The rail operator commits to departing "
        "block trains within eighteen hours of discharge, and each hour of delay beyond that is charged "
        "back at a flat rate agreed every January. Empty container repositioning is pooled: whichever "
        "terminal has the surplus lends boxes to the others at cost. Noise complaints from the residents "
        "of the Kalmar quarter are logged by the port authority's environmental officer and answered "
        "within ten working days, and night-time straddle carrier movements near the residential "
        "fence are limited to emergencies only.",
        "Who checks cargo paperwork before a ship arrives, and when is that done?",
        "How are complaints about loud activity from people living nearby dealt with?",
    ),
    (
        "The Aurora clinical trials network links nine university hospitals that recruit patients for "
        "oncology studies sponsored by pharmaceutical companies. A central ethics committee reviews each "
        "protocol once, and local sites then have thirty days to raise site-specific objections. Study "
        "drugs are shipped from the Eindhoven depot in temperature-logged boxes, and any excursion above "
        "eight degrees must be reported to the sponsor's quality unit within twenty-four hours. Research "
        "nurses are trained by the network's academy in good clinical practice and must renew their "
        "certificate every two years. Monitoring visits are scheduled by the contract research "
        "organisation Meridian, which shares its findings with the principal investigators. Patient "
        "travel costs are reimbursed from a pooled fund, up to three hundred euros per visit. Data from "
        "wearable devices collected at home are uploaded to a secure platform hosted in Frankfurt, and "
        "access to identifiable records is restricted to the site team and audited every quarter by the "
        "network's data protection officer.",
        "What has to happen if medicine in transit gets too warm?",
        "Who is allowed to see personal health data from the home devices, and how is that controlled?",
    ),
    (
        "Fernhill Makerspace runs a repair café every second Saturday with volunteers from the local "
        "electronics guild, a bicycle workshop and the public library. Visitors book a slot online and "
        "describe the broken item in advance, so the coordinators can match it with a volunteer who has "
        "the right tools. Soldering stations and multimeters belong to the guild, which insures them "
        "under its own liability policy and lends them to the café free of charge. The library provides "
        "the room and promotes each session in its newsletter, which reaches about four thousand "
        "households. Repairs that need replacement parts are paid for by the owner; the bicycle workshop "
        "sells inner tubes and brake pads at cost. A logbook records every item, its fault and whether it "
        "was fixed, and the municipality's waste department receives the yearly totals to estimate "
        "avoided landfill. Volunteers who attend at least ten sessions in a year are invited to a "
        "thank-you dinner paid for by the neighbourhood council in December.",
        "Whose equipment do the fixers use, and who covers the insurance for it?",
        "What reward do regular helpers get at the end of the year?",
    ),
    (
        "The Westcoast water reuse partnership treats municipal wastewater at the Hallen plant to a "
        "standard fit for industrial cooling and park irrigation. The water utility operates the "
        "membrane bioreactor and publishes effluent quality readings every hour on a public dashboard. "
        "Two paper mills buy the reclaimed water under fifteen-year offtake contracts with a price "
        "indexed to the cost of drinking water minus thirty percent. If turbidity exceeds the contractual "
        "limit for more than two hours, the mills may switch back to river abstraction and the utility "
        "bears the extra pumping cost. The provincial health inspectorate samples the irrigation network "
        "monthly for legionella and E. coli. Farmers on the eastern polder joined in 2023 and receive "
        "water during the dry months only, allocated by a rota drawn up by the irrigation board. Public "
        "acceptance is tracked through a yearly survey run by the university's social science faculty, "
        "whose last report found that trust rose after guided tours of the plant were opened to "
        "schools and residents.",
        "What happens when the treated water gets too cloudy for the factories?",
        "How is public confidence in the scheme measured, and what raised it?",
    ),
    (
        "Pixelforge hosts a marketplace where independent creators sell modifications for its racing "
        "game. Every upload passes an automated malware scan and a manual review by the curation team "
        "within five working days. Revenue is split seventy percent to the creator and thirty percent to "
        "Pixelforge, paid out monthly once a creator's balance exceeds fifty dollars. Creators who "
        "reuse assets from another mod must credit the original author and obtain written permission "
        "through the platform's licensing form. Disputes about copied content are decided by a panel of "
        "three senior community moderators, whose decision can be appealed once. Server costs for "
        "multiplayer mods are covered by Pixelforge up to a monthly cap, beyond which the creator pays "
        "the difference. The studio publishes a developer roadmap each quarter and invites the twenty "
        "most downloaded creators to a preview of upcoming engine changes. Accessibility features such "
        "as colour-blind palettes earn a badge on the listing and a featured spot on the front page "
        "for the first fortnight after release.",
        "Who rules on accusations that someone stole another person's work, and can that be challenged?",
        "What do designers get for making their additions usable by players with impaired vision?",
    ),
    (
        "The Saltmarsh tourism alliance brings together eighteen hotels, two ferry operators and the "
        "regional nature park to promote off-season visits to the islands. A joint booking portal sells "
        "packages that combine accommodation, ferry tickets and guided birdwatching walks. The ferry "
        "companies share their timetables with the portal in real time, and cancellations caused by "
        "storms trigger an automatic rebooking offer to affected guests. Hotels contribute two percent of "
        "package revenue to a marketing fund managed by the alliance secretariat. The nature park "
        "rangers set the maximum number of visitors on the dunes each day during the breeding season "
        "and can close trails at short notice. Local restaurants are not members but may join the "
        "portal's dining guide for a flat annual fee. Staff housing shortages are discussed at the "
        "alliance's spring meeting, and in 2025 the members agreed to convert a disused school in "
        "Westerhaven into dormitories for seasonal workers, financed jointly with the island council.",
        "What happens to travellers' plans when bad weather stops the boats?",
        "How are the members addressing the lack of places for seasonal employees to live?",
    ),
    (
        "The Calder open source foundation stewards a geospatial library used by mapping agencies and "
        "logistics firms. Technical decisions are taken by a steering council of seven maintainers elected "
        "by contributors for two-year terms. Corporate sponsors pay tiered membership fees that fund two "
        "full-time release engineers and the continuous integration servers. Security vulnerabilities are "
        "reported privately to a response team that aims to publish a fix within fourteen days and "
        "coordinates disclosure with downstream distributions. New contributors sign a developer "
        "certificate of origin rather than a copyright assignment. The foundation's trademark policy lets "
        "anyone use the project name for unmodified builds, while forks must choose a different name. "
        "Documentation is translated by volunteers into eleven languages through a community platform. "
        "Each autumn the foundation awards travel grants so that contributors from lower-income countries "
        "can attend the annual summit, selected by a committee that includes at least one member "
        "from outside the steering council.",
        "How are privately reported weaknesses in the code handled, and how quickly?",
        "What support helps contributors from poorer regions come to the yearly conference?",
    ),
    (
        "The Greenfield agri-food traceability scheme records each lot of apples from orchard to "
        "supermarket shelf. Growers scan harvest crates with a handheld reader that writes the orchard "
        "block, picking date and picker team to the shared ledger. Packing houses grade the fruit and "
        "attach a label linking the consumer pack to its source lots. The cold-store operator Frostlane "
        "logs temperature and controlled-atmosphere readings every fifteen minutes, and an alert goes to "
        "the quality manager if oxygen rises above the set point. Retailers can query the ledger when a "
        "customer complaint arrives and trace the affected lot within two hours. Pesticide residue tests "
        "are carried out by an accredited laboratory on a random sample of one lot in fifty. Growers pay "
        "a subscription that depends on orchard size, with the smallest farms exempt during the first "
        "year. Export customers in Asia receive a certificate generated from the ledger, and the "
        "chamber of commerce countersigns it electronically so shipments clear inspection at the "
        "destination port without paper.",
        "Who is warned when the air in the storage rooms drifts from its target, and how often is it measured?",
        "How do overseas buyers get proof of origin that border officials accept without paper forms?",
    ),
    (
        "The Meridian healthcare innovation hub pairs hospital clinicians with start-ups that want to "
        "test digital tools on real wards. Each pilot starts with a scoping workshop where the clinical "
        "lead defines the problem and the success measures. The hospital's information security office "
        "reviews every tool before it touches patient data and may require penetration testing at the "
        "start-up's expense. Pilots run for at most six months and are evaluated by the health economics "
        "group of the affiliated university. Start-ups keep the intellectual property of their products, "
        "but the hospital receives a perpetual free licence for internal use if the pilot succeeds. "
        "Nurses who take part get protected time equal to half a shift each week, backfilled by the "
        "agency pool. Patient representatives sit on the selection panel and can veto a pilot they "
        "consider burdensome. Results, including failures, are published on the hub's website within "
        "three months of a pilot ending, and start-ups may add a written response of up to "
        "five hundred words before the summary is made public.",
        "Who examines whether a new application is safe with patient records, and who pays for attack tests?",
        "Can a company comment on the published outcome of its trial before it appears online?",
    ),
    (
        "The Northgate payments consortium operates an instant transfer scheme shared by twelve regional "
        "banks and a card processor. Participants settle net positions five times a day through accounts "
        "held at the central bank. Fraud monitoring is centralised: a shared model scores every transfer, "
        "and transactions above the risk threshold are held for up to thirty minutes while the sending "
        "bank contacts the customer. The rulebook is maintained by a scheme management committee, and "
        "changes require a two-thirds majority of participants. New members must pass a technical "
        "certification run by the processor and hold a liquidity buffer equal to two days of average "
        "outflows. Consumer complaints go first to the customer's own bank, then to the national "
        "financial ombudsman. Every September the consortium commissions an external audit of its "
        "resilience, including a simulated outage of the primary data centre, and the findings are "
        "shared with the supervisory authority together with a remediation plan and named owners for "
        "each open action.",
        "What happens to a suspicious payment before it goes through?",
        "How is the system's ability to survive a data centre failure checked each year, and who sees the results?",
    ),
]
