"""The vocabulary the offline extractor reads: verbs of ownership and exchange, governance words,
negation, dates and cadences. Kept apart from the control flow so it can be read and tuned alone."""

from __future__ import annotations

import re
from collections.abc import Collection

from ecocanvas.canvas.model import MechanismKind
from ecocanvas.generator.offline.vocabulary import vocabulary

MODAL = r"(?:(?:will|shall|must|should|is to|are to|continues? to|continue to|remains?|also|now|currently|"
MODAL += r"jointly|still|formally|primarily|directly|alone|then|in turn|going forward|henceforth)\s+)*"

LEAD_VERB = re.compile(
    r"^\s*(?:,[^,]{1,80},\s*)?" + MODAL + r"(?:"
    r"leads?|owns?|runs?|manages?|coordinates?|operates?|handles?|oversees?|drives?|heads?|"
    r"organi[sz]es?|conducts?|administers?|executes?|performs?|carries out|maintains?|steers?|"
    r"(?:is|are|will be|remains?|becomes?) (?:solely |fully |primarily |now |also )?(?:responsible|accountable) for|"
    r"(?:is|are) in charge of|takes? (?:care|charge|ownership|the lead) (?:of|on)|"
    r"has (?:overall |full |primary )?(?:responsibility|ownership|accountability) for|"
    r"(?:is|are|will be|remains?|becomes?) (?:the )?(?:owner|lead|lead partner|accountable party) (?:of|for|on)|"
    r"will (?:lead|own|run|manage|coordinate|operate|handle|oversee|drive|head)"
    r")\s+(?P<rest>.+)$",
    re.I,
)
PASSIVE_LEAD = re.compile(
    r"(?P<act>[^;:]{3,140}?)\s+(?:is|are|will be|shall be|remains?|has been|have been|is now|are now|"
    r"will now be|continues to be|continue to be)\s+(?:jointly |solely |fully |now |currently )?"
    r"(?:owned|led|run|managed|coordinated|operated|handled|overseen|driven|headed|organi[sz]ed|"
    r"conducted|administered|executed|performed|carried out|maintained|steered|the responsibility of)"
    r"(?:\s+\w+ly)?\s+(?:by|of)(?:\s+(?:the|our|its|their))?\s*$",
    re.I,
)
SITS_WITH = re.compile(
    r"(?:(?:responsibility|ownership|accountability)\s+(?:for|of)\s+)?(?P<act>[^;:]{3,140}?)\s+"
    r"(?:sits|lies|rests|is|remains|stays)\s+(?:firmly |squarely |solely )?with(?:\s+(?:the|our|its))?\s*$",
    re.I,
)
SUPPORT_VERB = re.compile(
    r"^\s*" + MODAL + r"(?:supports?|assists?(?: with)?|helps?(?: with)?|contributes? to|backs up|"
    r"provides? support (?:for|to|on))\s+(?P<rest>.+)$",
    re.I,
)
PASSIVE_SUPPORT = re.compile(
    r"(?P<act>[^;:]{3,140}?)\s+(?:is|are|will be)\s+(?:also )?(?:supported|assisted)\s+by(?:\s+(?:the|our))?\s*$",
    re.I,
)
APPROVE_VERB = re.compile(
    r"^\s*" + MODAL + r"(?:approves?|signs? off(?: on)?|validates?|authori[sz]es?|ratifies|ratify|"
    r"(?:gives?|grants?) (?:final )?(?:approval|sign-off) (?:for|of|on)|has (?:final )?sign-off (?:on|for))"
    r"\s+(?P<rest>.+)$",
    re.I,
)
PASSIVE_APPROVE = re.compile(
    r"(?P<act>[^;:]{3,140}?)\s+(?:is|are|must be|need to be|needs to be|has to be|have to be|will be|shall be|"
    r"requires? to be)\s+(?:formally |jointly )?(?:approved|signed off|validated|authori[sz]ed|ratified)"
    r"(?: by| from)?(?:\s+(?:the|our|its))?\s*$",
    re.I,
)
WITH_SUPPORT = re.compile(
    r"(?:with (?:the )?(?:support|help|assistance) (?:of|from)|supported by|assisted by|with)(?:\s+(?:the|our))?\s*$",
    re.I,
)
WITH_APPROVAL = re.compile(
    r"(?:(?:approval|sign-off|sign off|validation)\s+(?:by|from|of)|approved by|signed off by)(?:\s+(?:the|our))?\s*$",
    re.I,
)
TRANSFER = re.compile(
    r"(?P<act>[^;:]{3,120}?)\s+(?:moves?|transfers?|passes|shifts?|is transferred|is moving|will move|"
    r"will transfer|will pass|is handed over|moved|transferred|passed|shifted)\s+"
    r"(?:back\s+)?(?:from\s+(?P<old>.{2,60}?)\s+)?to(?:\s+(?:the|our|its))?\s*$",
    re.I,
)
TAKE_OVER = re.compile(r"^\s*" + MODAL + r"(?:takes?|took|has taken|will take)\s+over\s+(?P<rest>.+)$")
UNOWNED = (
    re.compile(
        r"(?P<act>[^;:.]{3,120}?)\s+(?:currently |still |so far )?(?:has|have)\s+"
        r"(?:no|not yet got an?|not been given an?)\s+"
        r"(?:clear |named |designated |assigned |agreed |formal |single )?(?:owner|lead|accountable (?:party|owner))",
        re.I,
    ),
    re.compile(
        r"\b(?:no(?: single)? (?:one|partner|team|party|organi[sz]ation|owner|lead)|nobody|none of the partners)\s+"
        r"(?:currently |yet |has yet |formally |really )?(?:owns|leads|is responsible for|has been assigned(?: to)?|"
        r"has taken (?:on|ownership of)|has been named for|has been appointed for|is accountable for|"
        r"has (?:claimed|picked up))\s+(?P<act>[^;:.,]{3,120})",
        re.I,
    ),
    re.compile(
        r"(?:ownership|responsibility|accountability)\s+(?:of|for)\s+(?P<act>[^;:.,]{3,120}?)\s+(?:is|remains|"
        r"has not been|has yet to be|is still)\s+(?:unclear|open|unassigned|undecided|not yet (?:assigned|decided|"
        r"agreed|defined)|to be (?:decided|confirmed|agreed|defined|determined)|TBD|TBC|unresolved|undefined|"
        r"assigned|decided|agreed)",
        re.I,
    ),
    re.compile(
        r"(?P<act>[^;:.,]{3,120}?)\s+(?:is|are|remains?)\s+(?:currently |still )?(?:unowned|unassigned|"
        r"without (?:an? )?(?:owner|lead))",
        re.I,
    ),
    re.compile(
        r"^(?:(?P<act>[^;:.,]{3,80}?)\s+(?:is|are)\s+)?(?:still |currently |as yet )?(?:not|un)\s*(?:yet )?"
        r"(?:assigned|owned|allocated)(?: to (?:anyone|anybody|a lead|an owner|any partner))?\b",
        re.I,
    ),
    re.compile(
        r"\b(?:still |currently |there is )?no (?:lead|owner|one|named owner|clear owner)\s+(?:for|on|of)\s+"
        r"(?P<act>[^;:.,?]{2,120})",
        re.I,
    ),
    re.compile(
        r"\bwho\s+(?:owns|leads|will own|will lead|is responsible for|should own|should lead)\s+"
        r"(?P<act>[^;:.,?]{3,120}?)\s+(?:is|remains|has not been|was not)\s+(?:still )?(?:unclear|open|"
        r"undecided|decided|agreed|settled|resolved)",
        re.I,
    ),
)
EMPTY_CELL = re.compile(
    r"^\s*(?:|-+|—|–|tbd|tbc|tba|n/?a|none|\?+|to be (?:decided|confirmed|defined|agreed|determined|discussed)|"
    r"unassigned|open|still open|pending|unknown|under discussion|"
    r"not (?:yet )?(?:assigned|set|defined|agreed|decided|known))\s*\.?$",
    re.I,
)

EXCHANGE_VERB = re.compile(
    r"\b(?P<verb>provides?|supplies|supply|delivers?|gives?|grants?|offers?|shares?|sends?|passes|pass|"
    r"transfers?|licen[cs]es?|sells?|contributes?|feeds?|refers?|routes?|makes? available|forwards?|"
    r"channels?|pays?|remits?|reimburses?|compensates?|receives?|gets?|earns?|obtains?|is paid|are paid|"
    r"returns?|introduces?|brings?|hands? over|exposes?|opens?|"
    # Simple past and perfect are current relations too ("has given Tidewell its playbooks").
    r"(?:(?:has|have)\s+(?:already\s+|also\s+)?)?(?:provided|supplied|delivered|gave|given|granted|offered|"
    r"shared|sent|paid|transferred|contributed|introduced|referred))\b(?!-)",
    re.I,
)
PAY_VERBS = {
    "pay",
    "pays",
    "paid",
    "has paid",
    "have paid",
    "remit",
    "remits",
    "reimburse",
    "reimburses",
    "compensate",
    "compensates",
}
RECEIVE_VERBS = {
    "receive",
    "receives",
    "get",
    "gets",
    "earn",
    "earns",
    "obtain",
    "obtains",
    "is paid",
    "are paid",
}


GOVERNANCE_WORDS: tuple[tuple[MechanismKind, re.Pattern[str]], ...] = (
    ("escalation_path", re.compile(r"\bescalat\w*", re.I)),
    (
        "conflict_resolution",
        re.compile(
            r"\b(?:dispute[- ]resolution|conflict[- ]resolution|arbitrat\w+|mediat\w+|arbiter|tie-?break\w*|"
            r"(?:disputes?|disagreements?|conflicts?)\s+(?:between|among)\s+(?:the\s+)?(?:partners|parties|members)|"
            r"(?:disputes?|disagreements?|conflicts?)(?:\s+\w+){0,4}\s+"
            r"(?:are|is|will be|shall be|must be|get|gets|go|goes)"
            r"\s+(?:first\s+)?(?:resolved|settled|referred|mediated|escalated|decided|taken)|"
            r"in (?:the )?(?:case|event) of (?:a |any )?(?:dispute|disagreement|conflict))",
            re.I,
        ),
    ),
    (
        "change_management",
        re.compile(
            r"\b(?:change requests?|change control|change management|change board|change log|changes to (?:the |this |"
            r"any |a )?(?:agreement|canvas|scope|roles?|process(?:es)?|model|contract|plan|api|interface|"
            r"responsibilities|fee|rules|terms)|amendments?|amend\w*|variations? to|re-?baseline\w*|"
            r"any change|proposed changes?|version(?:ed|ing) of)\b",
            re.I,
        ),
    ),
    (
        "decision_right",
        re.compile(
            r"\b(?:decides?|decision[- ]rights?|decision[- ]making|final say|final decision|has (?:the )?authority|"
            r"veto|casting vote|is empowered to|are empowered to|final approval|decisions? (?:on|about|over) .{3,60}? "
            r"(?:are|is) (?:made|taken) by|approval authority|approves? (?:all|every|any) new)",
            re.I,
        ),
    ),
    (
        "forum",
        re.compile(
            r"\b(?:steering (?:committee|group|board|forum)|forum|council|working group|stand-?up|sync(?:-up)?|"
            r"business review|qbr|review board|operations review|partner board|governance board|committee|"
            r"joint (?:team|board)|roundtable|town hall|programme board|program board|board)s?\b",
            re.I,
        ),
    ),
    (
        "policy",
        re.compile(
            r"\b(?:polic(?:y|ies)|code of conduct|must comply|comply with|compliance with|gdpr|data protection|"
            r"standards? (?:that|which) all|all partners must|every partner must|rules of engagement|"
            r"certification requirements?|minimum requirements?|guidelines?)\b",
            re.I,
        ),
    ),
)
FORUM_ACTIVE = re.compile(
    r"\b(?:meets?|meeting|convenes?|chaired|chairs|held|gathers?|sits|weekly|monthly|quarterly|fortnightly|"
    r"bi-?weekly|annual(?:ly)?|every \w+ (?:weeks?|months?))\b",
    re.I,
)
GAP_NEGATION = re.compile(
    r"\b(?:there (?:is|are|was|were) (?:still |currently |as yet )?no\b|no (?:formal|agreed|defined|documented|"
    r"clear|written|established|single|standing)|(?:has|have) not (?:yet )?been (?:defined|agreed|set|established|"
    r"documented|decided|appointed|assigned|created|written|formalised|formalized)|not yet (?:been )?(?:defined|"
    r"agreed|established|in place|set up|documented|decided|formalised|formalized)|does not (?:yet )?exist|"
    r"do not (?:yet )?exist|(?:is|are) (?:still )?missing|lacks?|lacking|we have no\b|(?:has|have) no\b|is undefined|"
    r"remains? (?:open|undefined|unclear|informal)|to be (?:defined|decided|agreed|confirmed)|\btbd\b|"
    r"nobody knows|no-one knows|no one knows|not (?:yet )?(?:defined|documented|in place|set up|written down)\b|"
    r"\bundefined\b|\bparked\b|absent|gap\b|"
    # the same in speech and e-mail: contractions
    r"(?:isn't|aren't|wasn't|weren't)\s+(?:yet\s+|really\s+)?"
    r"(?:defined|agreed|documented|written down|in place|covered)|"
    r"(?:hasn't|haven't)\s+(?:yet\s+|ever\s+)?been\s+(?:defined|agreed|set|decided|documented|written)|"
    r"(?:don't|doesn't)\s+(?:yet\s+|really\s+)?(?:have|exist)\b(?!\s+to\b)|there(?:'s|’s)\s+(?:still\s+)?no\b|"
    r"never (?:agreed|defined|decided|wrote|written|documented))",
    re.I,
)

NEGATION = re.compile(
    r"(?:\bnot\b|\bno longer\b|\bnever\b|n't\b|\bneither\b|\bnor\b|\bno\s+(?:one|partner|team|party)\b|"
    r"\bnobody\b|\bdeclined\b|\brejected\b|\bwithdr[ae]w\w*\b|\bformer(?:ly)?\b|\bpreviously\b|\bused to\b|"
    r"\bin the past\b|\bwas replaced\b|\bwere replaced\b|\bended\b|\bexpired\b|\bterminated\b|\blapsed\b|"
    r"\bproposed\b|\bconsidered\b|\bcould\b|\bmight\b|\bwould\b|\bif\b|\bunless\b|\?\s*$)",
    re.I,
)
EXCLUSION = (
    re.compile(
        r"(?P<name>.{2,80}?)\s+(?:does not|doesn't|will not|won't|is not going to|did not|didn't|no longer)\s+"
        r"(?:take part|participate|join|play a role|have a role|form part|sit on|contribute)",
        re.I,
    ),
    re.compile(
        r"(?P<name>.{2,80}?)\s+(?:was|were|has been|have been)\s+(?:not selected|not chosen|not shortlisted|"
        r"rejected|dropped|turned down|declined|disqualified|eliminated|replaced|offboarded|removed|"
        r"let go|unsuccessful)",
        re.I,
    ),
    re.compile(
        r"(?P<name>.{2,80}?)\s+(?:withdrew|pulled out|left the|exited|dropped out|walked away|"
        r"(?:declined|decided not|chose not|refused) to (?:take part|participate|join|sign|be part))",
        re.I,
    ),
    re.compile(
        r"(?:contract|agreement|partnership|pilot|relationship|engagement|arrangement|collaboration)\s+"
        r"with\s+(?P<name>.{2,80}?)\s+(?:ended|expired|was terminated|terminated|lapsed|was not renewed|"
        r"has ended|has expired|came to an end|ran out|was cancelled|was canceled|finished)",
        re.I,
    ),
    re.compile(
        r"(?P<name>.{2,80}?)(?:[’']s)\s+(?:contract|agreement|partnership|pilot|involvement|role)\s+"
        r"(?:ended|expired|was terminated|lapsed|was not renewed|has ended|came to an end|was cancelled)",
        re.I,
    ),
    re.compile(
        r"\b(?:former|previous|past|ex-)\s*(?:partner|supplier|vendor|provider|member|operator|installer)s?"
        r",?\s+(?P<name>.{2,60}?)(?:[,.;)]|\s+(?:is|was|has|had|no)\b|$)",
        re.I,
    ),
    re.compile(
        r"\b(?:we|the (?:alliance|network|consortium|board|committee))\s+(?:decided against|did not select|"
        r"chose not to (?:work with|select|renew)|dropped|replaced|ended (?:our|the) (?:contract|work) with|"
        r"stopped working with|terminated (?:our|the) (?:contract|agreement) with)\s+"
        r"(?P<name>.{2,80}?)(?:[,.;]|$| in | as | after | because )",
        re.I,
    ),
    re.compile(
        r"(?P<name>.{2,80}?)\s+(?:is|are|was|were)\s+(?:no longer|not)\s+(?:(?:a|an|our)\s+)?(?:part of|"
        r"involved|member|partner|participant|participating|in scope|party to the (?:programme|program|"
        r"network|alliance|ecosystem|scheme|pilot|project|partnership|initiative))",
        re.I,
    ),
)
CADENCE = re.compile(
    r"(?<![\w-])(?:(?:two|three|four|six|twelve|2|3|4|6|12)-(?:weekly|monthly)|daily|weekly|bi-?weekly|fortnightly|monthly|bi-?monthly|quarterly|half-?yearly|semi-?annual(?:ly)?|"
    r"annual(?:ly)?|yearly|twice (?:a|per) (?:year|month|week|quarter)|once (?:a|per) (?:year|month|week|quarter)|"
    r"every (?:\w+ )?(?:days?|weeks?|months?|quarters?|years?)|each (?:week|month|quarter|year)|"
    r"per (?:week|month|quarter|year)|end of (?:each|every) (?:month|quarter|year)|real-?time|continuous(?:ly)?)\b",
    re.I,
)
# What a review of the whole arrangement names. A broad word (programme, partnership, network) counts
# only as a whole ("the whole programme", "the Seller Programme as a whole") or as the kind of review
# ("Programme Review"), since "the network reviews incidents monthly" reviews something else.
REVIEW_SUBJECT = re.compile(
    r"\b(?:canvas|operating model|execution model|partnership model|ecosystem (?:plan|model|map)|this (?:plan|model|"
    r"document|framework|canvas)|roles and responsibilities|the model|the plan|framework|raci|charter|playbook|"
    r"governance model|(?:partner|partnership|joint|alliance|work|action|business|delivery|programme|program) plan|"
    r"handbook|assumptions|"
    r"(?:whole|entire) (?:\w+ )?(?:programme|program|partnership|alliance|network|consortium|scheme|collaboration)|"
    r"(?:programme|program|partnership|alliance|network|consortium|scheme|collaboration) as a whole|"
    r"(?:programme|program|partnership|alliance) review)\b",
    re.I,
)
REVIEW_VERB = re.compile(
    r"\b(?:review\w*|revisit\w*|revis(?:e|es|ed|ing)|refresh\w*|re-?validat\w*|updat\w*|re-?assess\w*|"
    r"re-?examin\w*)\b",
    re.I,
)

SCOPE_HEADING = re.compile(r"\b(?:objectives?|goals?|aims?|purpose|ambitions?|outcomes?)\b", re.I)
IN_SCOPE_HEADING = re.compile(r"\bin[- ]scope\b|\bscope\b(?!.*\bout\b)", re.I)
OUT_SCOPE_HEADING = re.compile(r"\bout[- ]of[- ]scope\b|\bnot in scope\b|\bexclusions?\b|\bexcluded\b", re.I)
OBJECTIVE_SENTENCE = re.compile(
    r"\b(?:(?:our|the|its|a|one|key|main|primary|shared|joint) (?:objective|goal|aim|ambition|purpose)s?"
    r"(?: for \w+)? (?:is|are|will be)(?: to)?|aims? to|we (?:want|aim|intend|plan) to|seeks? to)\s+(?P<obj>.+)$",
    re.I,
)
OUT_OF_SCOPE_SENTENCE = re.compile(
    r"\b(?:out of scope|not in scope|outside (?:the |our )?scope|excluded from (?:the )?scope)\b", re.I
)
IN_SCOPE_SENTENCE = re.compile(r"\b(?:in scope|within (?:the )?scope|covers?|includes?)\b", re.I)

ECOSYSTEM_NAME = re.compile(
    r"\b(?:[A-Z][\w&'’-]+\s+){1,4}(?:Alliance|Network|Ecosystem|Programme|Program|Consortium|Partnership|"
    r"Initiative|Marketplace|Coalition|Collaborative|Hub|Exchange|Platform)\b"
)

ROLE_COLUMNS: dict[str, frozenset[str]] = {
    "lead": vocabulary().columns.lead,
    "support": vocabulary().columns.support,
    "approve": vocabulary().columns.approve,
}
ACTIVITY_COLUMNS = (
    "activity",
    "activities",
    "workstream",
    "work stream",
    "task",
    "process",
    "responsibility",
    "deliverable",
    "area",
    "initiative",
    "function",
    "step",
    "stage",
    "service",
    "item",
    "action",
    "topic",
    "work package",
    "capability",
    "domain",
    "what",
    # the work by another name ("Job | Lead | Helps | OK'd by"). The vocabulary file's wider list (with
    # "role", "scope", "milestone", "output") was measured here too: check activity recall -0.011,
    # precision -0.007 and one more forbidden actor.
    "job",
    "jobs",
    "duty",
    "duties",
)
PROVIDER_COLUMNS = ("provider", "from", "gives", "giver", "source actor", "supplier", "provided by")
RECEIVER_COLUMNS = ("receiver", "to", "receives", "recipient", "beneficiary", "received by")


def column(cells: dict[str, str], names: Collection[str]) -> str | None:
    """The value of the first column whose header is (or starts with) one of `names`."""
    for header, value in cells.items():
        if header in names:
            return value
    # A label ending with the name before one starting with it: under a two-level header "KPI" over
    # "Area | Measure", the measure is the KPI ("kpi measure"), the area only groups it ("kpi area").
    for header, value in cells.items():
        if any(header.endswith(" " + n) for n in names if len(n) > 2):
            return value
    for header, value in cells.items():
        if any(header.startswith(n + " ") for n in names if len(n) > 2):
            return value
    return None
