"""Relations read off the dependency parse: who leads, supports, approves, gives or receives what.

One `Clause` per verb (or copular predicate) whose lemma the vocabulary lists. Its parties are
the actor mentions inside the verb's own subject, agent, object, dative and prepositional
subtrees, so "The municipality would not be responsible for metering, but the association
leads billing" gives two clauses, the first negated and hedged, the second plain. Negation
("not", "never", "nobody"), hedges (would/could/might/should, if/whether, a proposal or a
question nobody answered) and history ("previously", "until") are scoped to their own verb.

The parse is of the unit's text (`Unit.text`, whitespace folded); a clause's phrases are strings
cut from it. Citations never come from here: they quote the unit as the document has it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ecocanvas.generator.offline.lexicon import ActorEntry
from ecocanvas.generator.offline.vocabulary import Vocabulary, verb_keys, vocabulary, words
from ecocanvas.knowledge import MONTHS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

Role = Literal["lead", "support", "approve", "give", "receive", "charge"]

_SUBJECTS = ("nsubj", "nsubjpass", "csubj", "expl")
_OBJECTS = ("dobj", "obj", "attr", "oprd")
_NEGATIVE_SUBJECTS = {"nobody", "no one", "noone", "none", "neither", "nothing", "no-one"}
_RELATIVE = {"which", "who", "that", "whom", "whose"}
_PRONOUNS = {"it", "they", "them", "he", "she", "this", "these", "those"}
_WE = {"we", "us", "our", "ours", "ourselves"}
# "says what Halvard gets back", "gives something": no value is named.
_INDEFINITE = {"what", "whatever", "something", "anything", "nothing", "everything", "much", "more", "less"}


@dataclass
class Mention:
    """An actor named in a unit: character span in the unit's text, and the actor."""

    start: int
    end: int
    actor: ActorEntry


@dataclass
class Clause:
    role: Role
    verb: str
    agents: list[ActorEntry] = field(default_factory=list)
    partners: list[ActorEntry] = field(default_factory=list)  # "A and B jointly lead": B supports
    theme: str = ""
    theme_actor: ActorEntry | None = None  # the object is an actor ("pays us")
    recipients: list[ActorEntry] = field(default_factory=list)
    sources: list[ActorEntry] = field(default_factory=list)
    supporters: list[ActorEntry] = field(default_factory=list)
    approvers: list[ActorEntry] = field(default_factory=list)
    negated: bool = False
    hedged: bool = False
    past: bool = False
    effective: dt.date | None = None
    transfer: bool = False  # a hand-over: the agent is the new owner
    previous_owner: ActorEntry | None = None
    reciprocal: bool = False
    price: str = ""  # "buys the fruit from the co-op at a price per tonne": what flows back
    # The clause names its counterparty ("to Merchants", "from each host") even if not as an actor.
    counterparty_named: bool = False

    @property
    def usable(self) -> bool:
        return not (self.negated or self.hedged or self.past)


class ClauseReader:
    """Reads the clauses of one parsed unit given the actor mentions in its text."""

    def __init__(
        self,
        doc: Doc,
        mentions: Sequence[Mention],
        document_date: dt.date | None = None,
        previous_agents: Sequence[ActorEntry] = (),
        answered: bool = False,
        speaker: ActorEntry | None = None,
    ) -> None:
        self.doc = doc
        self.mentions = list(mentions)
        self.vocab: Vocabulary = vocabulary()
        self.date = document_date
        self.previous_agents = list(previous_agents)
        # A question answered "yes, agreed" in the next unit is a decision, not a hedge.
        self.answered = answered
        self.question = doc.text.rstrip().endswith("?")
        # The party a line is labelled with ("Castra Medical Supplies: delivers kit to patients"): the
        # subject of its clauses that name none. A person's line ("Tom (Castra): ...") is a remark.
        self.speaker = speaker

    # -- mentions over tokens ------------------------------------------------------------------

    def actors_in(self, tokens: Iterable[Token]) -> list[ActorEntry]:
        spans = [(t.idx, t.idx + len(t.text)) for t in tokens]
        out: list[ActorEntry] = []
        for m in self.mentions:
            if any(s < m.end and m.start < e for s, e in spans) and m.actor not in out:
                out.append(m.actor)
        return out

    def actor_of_token(self, token: Token) -> ActorEntry | None:
        for m in self.mentions:
            if m.start <= token.idx < m.end:
                return m.actor
        return None

    def _only_actor(self, token: Token) -> bool:
        """The token's phrase is an actor's name and nothing more ("us", "the co-op", "Skerry Air")."""
        rest = [t for t in token.subtree if t.dep_ not in ("det", "poss", "punct") and self.actor_of_token(t) is None]
        return not [t for t in rest if t.i <= token.i]

    def _subtree_actors(self, token: Token) -> list[ActorEntry]:
        found = self.actors_in(token.subtree)
        if not found and token.lower_ in _PRONOUNS | _RELATIVE:
            return []
        return found

    # -- reading -------------------------------------------------------------------------------

    def read(self) -> list[Clause]:
        out: list[Clause] = []
        for token in self.doc:
            if token.pos_ not in ("VERB", "AUX") and not (token.dep_ == "ROOT" and token.pos_ in ("NOUN", "PROPN")):
                continue
            clause = self._clause(token)
            if clause is not None:
                out.append(clause)
                if clause.agents:
                    # "Marlowe pays us ...; in return it gets ...": "it" is the last clause's subject.
                    self.previous_agents = clause.agents[:1]
        return out

    def topic_clauses(self) -> list[Clause]:
        """'Tier status matching: currently done by our loyalty team', 'Onboarding: Kestrel (lead)'.

        A bullet or table-like line whose part before the colon is a bare noun phrase names the
        activity; the part after says who does it, by a participle with an agent or by an actor
        alone (with an optional role word in brackets)."""
        colon = next((t for t in self.doc if t.text in (":", "–", "—") and 1 <= t.i <= 10), None)
        if colon is None or any(t.pos_ in ("VERB", "AUX") for t in self.doc[: colon.i]):
            return []
        topic = self.doc[: colon.i].text.strip(" *_")
        rest = self.doc[colon.i + 1 :]
        if not topic or self.actors_in(self.doc[: colon.i]) or _NOT_A_TOPIC.search(topic):
            return []
        participle = next((t for t in rest if t.tag_ == "VBN"), None)
        role: Role | None = None
        agents: list[ActorEntry] = []
        supporters: list[ActorEntry] = []
        approvers: list[ActorEntry] = []
        # "the Payment Provider, supported by the Operator", "the Operator, once the Department has
        # admitted the provider": the actor right after the colon leads; what follows its comma says
        # who helps or signs off, or when.
        cut = next((t.i for t in rest if t.text in (",", ";", "(") and t.i > colon.i + 1), rest.end)
        head_part = self.doc[colon.i + 1 : cut]
        first = self.actors_in(rest[:4])
        if first and re.match(r"^(?:the\s+)?\w[\w\s&.'-]*?$", words(head_part.text)) and len(head_part) <= 8:
            role, agents = "lead", first[:1]
            tail = self.doc[cut:]
            v = self.vocab
            for verb in (t for t in tail if t.tag_ == "VBN"):
                by = next((c for c in verb.children if c.dep_ == "agent" or c.lower_ == "by"), None)
                named = self.actors_in(by.subtree) if by is not None else []
                if any(k in v.support for k in verb_keys(verb)):
                    supporters += named
                elif any(k in v.approve for k in verb_keys(verb)):
                    approvers += named
        elif participle is not None:
            keys = verb_keys(participle)
            v = self.vocab
            by = next((t for t in rest if t.lower_ == "by" and t.i > participle.i), None)
            if by is not None and any(k in v.lead | v.work for k in keys):
                role = "lead"
            elif by is not None and any(k in v.approve for k in keys):
                role = "approve"
            elif by is not None and any(k in v.support for k in keys):
                role = "support"
            if by is not None:
                agents = self.actors_in(t for t in rest if t.i > by.i)[:1]
        else:
            words_after = words(rest.text)
            if first and re.match(
                r"^(?:the\s+)?\w[\w\s&.'-]*?(?:\((?:lead|owner|accountable|responsible)\))?$", words_after
            ):
                role, agents = "lead", first[:1]
        if role is None or not agents:
            return []
        clause = self._base(participle or rest.root, role)
        clause.agents = agents
        clause.supporters = [a for a in supporters if a not in agents]
        clause.approvers = [a for a in approvers if a not in agents]
        clause.theme = topic
        return [clause]

    def _clause(self, verb: Token) -> Clause | None:
        keys = verb_keys(verb)
        v = self.vocab
        if verb.lemma_ == "be" or (verb.pos_ == "AUX" and verb.dep_ in ("ROOT", "conj", "ccomp", "advcl", "relcl")):
            return self._copular(verb)
        if any(k in v.take_over for k in keys):
            return self._take_over(verb)
        if any(k in v.flow for k in keys):
            return self._flow(verb)
        if any(k in v.rely for k in keys):
            return self._rely(verb)
        if any(k in v.transfer for k in keys) and self._has_prep(verb, "to"):
            return self._transfer(verb)
        if any(k in v.sits_with for k in keys) and self._has_prep(verb, "with"):
            return self._sits_with(verb)
        responsibility = self._responsibility_object(verb)
        if responsibility is not None:
            return responsibility
        if any(k in v.approve for k in keys):
            return self._role(verb, "approve")
        if any(k in v.support for k in keys) and not self._recipient_tokens(verb):
            return self._role(verb, "support")
        if any(k in v.charge for k in keys):
            return self._exchange(verb, "charge")
        if any(k in v.receive for k in keys):
            return self._exchange(verb, "receive")
        if any(k in v.buy for k in keys) and self._has_prep(verb, "from"):
            clause = self._exchange(verb, "receive")
            if clause is not None:
                price = _pobj(verb, ("at", "for"))
                clause.price = value_of(price, self) if price is not None else ""
            return clause
        if any(k in v.give for k in keys) and (
            verb.lemma_.lower() not in v.needs_recipient or self._recipient_tokens(verb) or self._object_recipient(verb)
        ):
            return self._exchange(verb, "give")
        if any(k in v.lead for k in keys):
            return self._role(verb, "lead")
        if any(k in v.work for k in keys):
            clause = self._role(verb, "lead")
            return clause if clause is not None and activity_like(clause.theme) else None
        return None

    # -- parts shared by every clause ------------------------------------------------------------

    def _base(self, verb: Token, role: Role) -> Clause:
        clause = Clause(role=role, verb=verb.lemma_.lower())
        clause.negated = negated(verb)
        clause.hedged = self._hedged(verb)
        clause.past = self._past(verb)
        clause.effective = self._effective(verb)
        clause.reciprocal = any(r in words(self.doc.text[: verb.idx + len(verb.text)]) for r in self.vocab.reciprocal)
        # "we send back confirmed fraud labels": back to the other party of the clause before.
        clause.reciprocal = clause.reciprocal or _sent_back(verb)
        return clause

    def _hedged(self, verb: Token) -> bool:
        v = self.vocab
        for child in verb.children:
            if child.dep_ == "aux" and child.lemma_.lower() in v.hedge_aux:
                return True
            if child.dep_ == "mark" and child.lower_ in ("if", "whether", "unless"):
                return True
        head = verb
        while head.dep_ in ("xcomp", "ccomp", "advcl", "conj") and head.head is not head:
            if head.dep_ == "conj":
                head = head.head
                continue
            head = head.head
            if head.lemma_.lower() in v.hedge_heads:
                return True
            if any(c.dep_ == "aux" and c.lemma_.lower() in v.hedge_aux for c in head.children):
                return True
        return self.question and not self.answered

    def _past(self, verb: Token) -> bool:
        v = self.vocab
        before = words(self.doc.text[max(0, verb.idx - 40) : verb.idx])
        if any(f" {p} " in f" {before} " for p in v.past if p != "until"):
            return True
        return any(c.lower_ == "until" for c in verb.children if c.dep_ == "prep")

    def _effective(self, verb: Token) -> dt.date | None:
        for child in verb.children:
            if child.dep_ != "prep" and child.dep_ != "advmod" and child.dep_ != "npadvmod":
                continue
            text = words(_subtree_text(child))
            if any(text.startswith(p + " ") or text == p for p in self.vocab.effective_from):
                found = parse_date(text, self.date)
                if found is not None:
                    return found
        # "From Q3, X takes over": the phrase may hang off the root or open the sentence.
        lead = words(self.doc.text[: verb.idx])
        for phrase in self.vocab.effective_from:
            at = f" {lead} ".rfind(f" {phrase} ")
            if at >= 0:
                found = parse_date(lead[at:], self.date)
                if found is not None:
                    return found
        return None

    def _has_prep(self, verb: Token, prep: str) -> bool:
        """On the verb, or on its object, where the parser often hangs it ("buys capacity from B")."""
        objects = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
        return any(c.dep_ in ("prep", "dative") and c.lower_ == prep for t in (verb, *objects) for c in t.children)

    def _subjects(self, verb: Token) -> tuple[list[ActorEntry], list[ActorEntry]]:
        """(lead subject, partners sharing the subject) of an active verb, following conj and relcl."""
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "csubj")), None)
        if subject is None:
            if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb:
                return self._subjects(verb.head)
            if verb.dep_ == "relcl":
                return self._subtree_actors_head(verb.head), []
            if verb.dep_ == "acl" and verb.tag_ != "VBN":
                return self._subtree_actors_head(verb.head), []
            if self.speaker is not None and verb.dep_ == "ROOT" and _stated(verb):
                return [self.speaker], []
            return [], []
        if subject.lower_ in _RELATIVE and verb.dep_ == "relcl":
            return self._subtree_actors_head(verb.head), []
        if subject.lower_ in _PRONOUNS and not self.actors_in(subject.subtree):
            return self.previous_agents[:1], []
        found = self.actors_in(subject.subtree)
        return found[:1], found[1:]

    def _subtree_actors_head(self, noun: Token) -> list[ActorEntry]:
        actor = self.actor_of_token(noun)
        if actor is not None:
            return [actor]
        return self.actors_in(t for t in noun.subtree if t.i <= noun.i)[:1]

    def _agent(self, verb: Token) -> list[ActorEntry]:
        for child in verb.children:
            if child.dep_ == "agent":
                return self.actors_in(child.subtree)
        return []

    def _with_support(self, verb: Token) -> list[ActorEntry]:
        """'with support from B', 'supported by B', 'with B': supporters hung on the verb."""
        out: list[ActorEntry] = []
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ in ("with", "alongside"):
                out += self.actors_in(child.subtree)
            if child.dep_ in ("advcl", "conj") and child.lemma_.lower() in ("support", "assist", "help"):
                agent = self._agent(child)
                out += agent
        return out

    def _object_recipient(self, verb: Token) -> bool:
        """An actor after "to" inside the object's phrase ("sends 90% of proceeds to Ledgerline")."""
        obj = _object(verb)
        if obj is None:
            return False
        return any(
            t.dep_ == "prep" and t.lower_ == "to" and (p := _first_pobj(t)) is not None and self._only_actor(p)
            for t in obj.subtree
            if t.i > obj.i
        )

    def _recipient_tokens(self, verb: Token) -> list[Token]:
        out: list[Token] = []
        for child in verb.children:
            if child.dep_ == "dative" or (child.dep_ == "prep" and child.lower_ in ("to", "with", "towards", "for")):
                if child.dep_ == "prep" and child.lower_ == "for" and not self.actors_in(child.subtree):
                    continue
                out.append(child)
        return out

    # -- ownership -----------------------------------------------------------------------------

    def _role(self, verb: Token, role: Role) -> Clause | None:
        clause = self._base(verb, role)
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
            verb.dep_ == "acl" and verb.tag_ == "VBN"
        )
        if passive:
            clause.agents = self._agent(verb)
            theme = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
            if theme is not None:
                clause.theme = phrase_of(theme, self)
            elif verb.dep_ == "acl":
                clause.theme = phrase_of(verb.head, self, stop=verb)
        else:
            clause.agents, clause.partners = self._subjects(verb)
            obj = _object(verb)
            if obj is None:
                # The object of the verb's preposition: "works on X", or the phrasal verb's own ("looks after X").
                v = self.vocab
                lemma = verb.lemma_.lower()
                obj = next(
                    (
                        g
                        for c in verb.children
                        if c.dep_ == "prep"
                        and (
                            c.lower_ in ("on", "with", "for", "over", "in")
                            or any(f"{lemma} {c.lower_}" in k for k in (v.lead, v.work, v.support, v.approve))
                        )
                        for g in c.children
                        if g.dep_ == "pobj"
                    ),
                    None,
                )
            if obj is not None:
                clause.theme = phrase_of(obj, self)
                gerund = _gerund_after(verb, obj)
                if gerund is not None and clause.theme:
                    clause.theme = f"{clause.theme} {phrase_of(gerund, self) or gerund.text}"
        if role == "lead":
            clause.supporters = [a for a in self._with_support(verb) if a not in clause.agents]
        if not clause.agents or not clause.theme:
            return None
        return clause

    def _copular(self, verb: Token) -> Clause | None:
        v = self.vocab
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        for child in verb.children:
            charge = _pobj(verb, ("in",)) if child.dep_ == "prep" and child.lower_ == "in" else None
            if charge is not None and charge.lemma_.lower() == "charge":
                # "A is in charge of X", parsed as a place rather than an adjective.
                theme = _pobj(charge, ("of", "for"))
                clause = self._base(verb, "lead")
                clause.agents, clause.partners = self._subjects(verb)
                clause.theme = phrase_of(theme, self) if theme is not None else ""
                return clause if clause.agents and clause.theme else None
            if child.dep_ == "acomp" and (
                child.lower_ in v.lead_adjectives or words(_subtree_text(child)).startswith("in charge")
            ):
                theme = _pobj(child, ("for", "of"))
                if theme is None:
                    return None
                clause = self._base(verb, "lead")
                clause.agents, clause.partners = self._subjects(verb)
                clause.theme = phrase_of(theme, self)
                return clause if clause.agents and clause.theme else None
            if child.dep_ in ("attr", "acomp"):
                noun = words(" ".join(t.text for t in child.subtree if t.i <= child.i and t.dep_ != "det"))
                role: Role | None = None
                if child.lemma_.lower() in v.lead_nouns or noun in v.lead_nouns:
                    role = "lead"
                elif child.lemma_.lower() in v.approve_nouns:
                    role = "approve"
                elif child.lemma_.lower() in v.support_nouns:
                    role = "support"
                elif child.lemma_.lower() in v.responsibility_nouns and subject is not None:
                    # "X is A's responsibility": the possessor leads the subject.
                    owner = [g for g in child.children if g.dep_ == "poss"]
                    if owner:
                        clause = self._base(verb, "lead")
                        clause.agents = self.actors_in(owner[0].subtree)
                        clause.theme = phrase_of(subject, self)
                        return clause if clause.agents and clause.theme else None
                if role is None:
                    continue
                theme = _pobj(child, ("of", "for", "on"))
                clause = self._base(verb, role)
                if theme is not None:
                    clause.agents, clause.partners = self._subjects(verb)
                    clause.theme = phrase_of(theme, self)
                elif subject is not None:
                    # "The lead for X is A" / "X's owner is A": the attribute holds the actor.
                    clause.agents = self.actors_in(child.subtree)
                    clause.theme = phrase_of(subject, self) if not clause.agents else ""
                    inner = _pobj(subject, ("of", "for", "on"))
                    if inner is not None and words(subject.lemma_) in v.lead_nouns | v.responsibility_nouns:
                        clause.agents = self.actors_in(child.subtree)
                        clause.theme = phrase_of(inner, self)
                return clause if clause.agents and clause.theme else None
        if subject is not None and words(subject.lemma_) in v.lead_nouns | v.responsibility_nouns:
            # "The owner of X is A" with A as attr handled above; "Responsibility for X is with A".
            inner = _pobj(subject, ("of", "for"))
            holder = _pobj(verb, ("with",))
            if inner is not None and holder is not None:
                clause = self._base(verb, "lead")
                clause.agents = self.actors_in(holder.subtree)
                clause.theme = phrase_of(inner, self)
                return clause if clause.agents and clause.theme else None
        if subject is not None and _pobj(verb, ("with",)) is not None:
            return self._sits_with(verb)
        return None

    def _sits_with(self, verb: Token) -> Clause | None:
        holder = _pobj(verb, ("with",))
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if holder is None or subject is None:
            return None
        clause = self._base(verb, "lead")
        clause.agents = self.actors_in(t for t in verb.subtree if t.i > verb.i)[:1]
        inner = _pobj(subject, ("for", "of")) if words(subject.lemma_) in self.vocab.responsibility_nouns else None
        clause.theme = phrase_of(inner if inner is not None else subject, self)
        return clause if clause.agents and clause.theme else None

    def _responsibility_object(self, verb: Token) -> Clause | None:
        """'A has responsibility for X', 'A takes the lead on X', 'gives B ownership of X'."""
        v = self.vocab
        if verb.lemma_.lower() not in (
            "have",
            "take",
            "assume",
            "hold",
            "keep",
            "retain",
            "give",
            "hand",
            "get",
            "accept",
            "bear",
        ):
            return None
        obj = next(
            (c for c in verb.children if c.dep_ in _OBJECTS and c.lemma_.lower() in v.responsibility_nouns), None
        )
        if obj is None:
            return None
        theme = _pobj(obj, ("for", "of", "on", "over")) or _pobj(verb, ("for", "of", "on", "over"))
        if theme is None:
            return None
        clause = self._base(verb, "lead")
        if verb.lemma_.lower() in ("give", "hand"):
            dative = [c for c in verb.children if c.dep_ == "dative" or (c.dep_ == "prep" and c.lower_ == "to")]
            clause.agents = self.actors_in(dative[0].subtree) if dative else []
            clause.transfer = True
        else:
            clause.agents, clause.partners = self._subjects(verb)
        clause.theme = phrase_of(theme, self)
        return clause if clause.agents and clause.theme else None

    def _take_over(self, verb: Token) -> Clause | None:
        clause = self._base(verb, "lead")
        clause.agents, _ = self._subjects(verb)
        obj = next((c for c in verb.children if c.dep_ in _OBJECTS), None)
        if obj is None:
            obj = _pobj(verb, ("over",))
        source = _pobj(verb, ("from",))
        clause.previous_owner = next(iter(self.actors_in(source.subtree)), None) if source is not None else None
        clause.theme = phrase_of(obj, self) if obj is not None else ""
        clause.transfer = True
        return clause if clause.agents and clause.theme else None

    def _transfer(self, verb: Token) -> Clause | None:
        """'X moves from A to B', 'responsibility for X transfers to B', 'X is handed over to B'."""
        target = _pobj(verb, ("to",))
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if target is None or subject is None:
            return None
        clause = self._base(verb, "lead")
        clause.agents = self.actors_in(target.subtree)[:1]
        inner = _pobj(subject, ("for", "of")) if words(subject.lemma_) in self.vocab.responsibility_nouns else None
        clause.theme = phrase_of(inner if inner is not None else subject, self)
        source = _pobj(verb, ("from",))
        if source is not None:
            clause.previous_owner = next(iter(self.actors_in(source.subtree)), None)
        clause.transfer = True
        if clause.agents and self.actor_of_token(subject) is clause.agents[0]:
            return None
        return clause if clause.agents and clause.theme else None

    # -- exchanges -----------------------------------------------------------------------------

    def _flow(self, verb: Token) -> Clause | None:
        """'Order data flows from Quorra to Brightpath': the subject is what is given."""
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        source, target = _pobj(verb, ("from",)), _pobj(verb, ("to", "into"))
        if subject is None or source is None or target is None or self.actor_of_token(subject) is not None:
            return None
        clause = self._base(verb, "give")
        clause.agents = self.actors_in(source.subtree)[:1]
        clause.recipients = self.actors_in(target.subtree)[:1]
        clause.theme = value_of(subject, self)
        clause.counterparty_named = True
        return clause if clause.agents and clause.recipients and clause.theme else None

    def _rely(self, verb: Token) -> Clause | None:
        """'Harlow relies on Brightpath for last-mile delivery': B gives C to the subject."""
        on, purpose = _pobj(verb, ("on", "upon")), _pobj(verb, ("for",))
        if on is None or purpose is None or self.actor_of_token(purpose) is not None:
            return None
        clause = self._base(verb, "give")
        clause.agents = self.actors_in(on.subtree)[:1]
        clause.recipients = self._subjects(verb)[0][:1]
        clause.theme = value_of(purpose, self)
        clause.counterparty_named = True
        ok = clause.agents and clause.recipients and clause.theme and clause.agents != clause.recipients
        return clause if ok else None

    def _exchange(self, verb: Token, role: Role) -> Clause | None:
        clause = self._base(verb, role)
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
            verb.dep_ == "acl" and verb.tag_ == "VBN"
        )
        recipients: list[ActorEntry] = []
        recipient_preps: set[int] = set()
        value: Token | None = None
        direct = next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
        for child in verb.children:
            if child.dep_ == "dative" or (
                child.dep_ == "prep" and child.lower_ in ("to", "towards") and role != "receive"
            ):
                recipients += self.actors_in(_phrase_only(child))
            elif child.dep_ == "prep" and child.lower_ == "with" and role == "give":
                if verb.lemma_.lower() in ("share", "exchange"):
                    recipients += self.actors_in(child.subtree)
                elif direct is None or self.actor_of_token(direct) is not None:
                    # "provides Korbin with session data": Y is the value when the object is an
                    # actor; "supplies water to the Park, with a contracted minimum" keeps the water.
                    value = _first_pobj(child) or value
            elif (
                child.dep_ == "prep"
                and child.lower_ in ("through", "via")
                and role == "give"
                and verb.lemma_.lower() in self.vocab.pay
                and direct is not None
                and self.actor_of_token(direct) is not None
            ):
                value = _first_pobj(child) or value  # "funds the Network through an annual grant"
            elif child.dep_ == "prep" and child.lower_ == "for" and role == "give" and self.actors_in(child.subtree):
                recipients += self.actors_in(child.subtree)
            elif child.dep_ == "prep" and child.lower_ == "from":
                clause.sources += self.actors_in(child.subtree)
        objects = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
        if not objects and (shared := _object(verb)) is not None:
            objects = [shared]
        for obj in objects:
            # "provides grid connections to NHM", "shares session data with the utility": the parser
            # often hangs the recipient on the object instead of the verb.
            # Also deeper in the object's phrase: "sends 90% of proceeds to Ledgerline".
            for prep in (t for t in obj.subtree if t.i > obj.i and t.head.i >= obj.i):
                target = _first_pobj(prep) if prep.dep_ == "prep" else None
                if (
                    target is not None
                    and role == "give"
                    and (
                        prep.lower_ == "to" or (prep.lower_ == "with" and verb.lemma_.lower() in ("share", "exchange"))
                    )
                    and obj.lemma_.lower() not in self.vocab.access_nouns
                    and self._only_actor(target)
                ):
                    recipients += self.actors_in(prep.subtree)
                    recipient_preps.add(prep.i)
                elif (
                    target is not None
                    and prep.lower_ == "from"
                    and any(k in self.vocab.buy for k in verb_keys(verb))
                    and self._only_actor(target)
                ):
                    clause.sources += self.actors_in(prep.subtree)  # "buys balancing capacity from B"
                    recipient_preps.add(prep.i)
            owner = next((c for c in obj.children if c.dep_ == "poss"), None)
            if role == "give" and owner is not None and verb.lemma_.lower() in self.vocab.pay:
                recipients += self.actors_in(owner.subtree)  # "pays Orvane's audit fees"
            if obj.is_punct and obj.text != "%":  # "90% of proceeds": the parser heads it on "%"
                continue
            actor = self.actor_of_token(obj)
            if actor is not None and role in ("give", "charge") and self._only_actor(obj):
                clause.theme_actor = actor  # "pays us", "charges members"
                # "pays Tracewell an annual subscription": the parser may hang the value on the actor.
                inner = next((g for g in obj.children if g.dep_ in ("pobj", "dobj", "appos")), None)
                if value is None and inner is not None and self.actor_of_token(inner) is None:
                    value = inner
            elif value is None:
                value = obj
        for child in verb.children:
            if child.dep_ == "dative" and value is None:
                inner = next((g for g in child.children if g.dep_ in ("pobj", "dobj")), None)
                if inner is not None and self.actor_of_token(inner) is None:
                    value = inner
            elif child.dep_ == "npadvmod" and value is None and role == "charge" and _is_amount(child):
                value = child  # "charges Solbak EUR 3 per meter": the parser reads the price as an adverb
        if passive:
            clause.agents = self._agent(verb)
            subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
            if subject is not None and role == "give":
                if self.actor_of_token(subject) is not None and self.actors_in(subject.subtree) and value is not None:
                    recipients.append(self.actors_in(subject.subtree)[0])  # "A is paid a fee by B"
                else:
                    value = subject
            elif subject is not None and role == "receive":
                value = subject
            elif subject is not None and role == "charge" and self._only_actor(subject):
                clause.theme_actor = self.actors_in(subject.subtree)[0]  # "A is charged a fee by B"
        else:
            clause.agents, clause.partners = self._subjects(verb)
        if value is None and role == "give":
            value = _first_pobj_of(verb, ("for",))
        clause.recipients = [r for i, r in enumerate(recipients) if r not in clause.agents and r not in recipients[:i]]
        if role == "give" and clause.theme_actor is not None and not clause.recipients:
            clause.recipients = [clause.theme_actor]
        clause.theme = value_of(value, self, stops=recipient_preps) if value is not None else ""
        if role in ("give", "charge") and clause.theme_actor is not None and not clause.theme:
            purpose = _first_pobj_of(verb, ("for",))
            if purpose is not None:
                clause.theme = "payment for " + value_of(purpose, self)
        if role == "give" and not clause.price:
            clause.price = self._price(verb, objects)
        wanted = ("from",) if role == "receive" else ("to", "towards", "for", "with")
        clause.counterparty_named = any(
            t.dep_ == "dative" or (t.dep_ == "prep" and t.lower_ in wanted and (t.head is verb or t.head in objects))
            for t in verb.subtree
        )
        if not clause.agents or not clause.theme:
            return None
        return clause

    def _price(self, verb: Token, objects: list[Token]) -> str:
        """'provides testing to AHG at a per-test fee of GBP 14': what the receiver pays back."""
        for head in (verb, *objects):
            for prep in head.children:
                if prep.dep_ != "prep" or prep.lower_ not in ("at", "for"):
                    continue
                target = _first_pobj(prep)
                if target is not None and target.lemma_.lower() in self.vocab.price_nouns:
                    return value_of(target, self)
        return ""


# -- phrases ----------------------------------------------------------------------------------------

_CUT_DEPS = {"relcl", "acl", "advcl", "appos", "punct", "cc", "conj", "prep", "mark", "parataxis", "dep"}
_NAME_PREPS = ("of", "for", "on", "across", "within")


def _stated(verb: Token) -> bool:
    """A finite verb that states ("delivers", "sent") or a modal that commits ("will run"); a bare
    base form in a speaker's line is an imperative to someone else ("book collections via the portal")."""
    if verb.tag_ in ("VBZ", "VBD"):
        return True
    return verb.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ in ("will", "'ll", "shall") for c in verb.children)


def negated(verb: Token) -> bool:
    """The verb's clause is negated: "will not run", "never", "nobody runs", "no party may", or a
    negated governing verb ("does not want to run")."""
    for child in verb.children:
        if child.dep_ == "neg" or child.lower_ in ("never", "no longer"):
            return True
        if child.dep_ in ("aux", "auxpass") and any(g.dep_ == "neg" for g in child.children):
            return True
        if child.dep_ in _SUBJECTS and words(_subtree_text(child)) in _NEGATIVE_SUBJECTS:
            return True
        if child.dep_ in _SUBJECTS and any(t.lower_ == "no" and t.dep_ == "det" for t in child.subtree):
            return True
    # "A, not B, leads X" is handled by the caller; a negated governing verb negates its complement.
    head = verb
    while head.dep_ in ("xcomp", "ccomp") and head.head is not head:
        head = head.head
        if any(c.dep_ == "neg" for c in head.children) or head.lemma_.lower() in vocabulary().negating_heads:
            return True
    return False


# An exchange's value keeps what it is access to, or made of: "access to our members".
def _phrase_only(prep: Token) -> list[Token]:
    """A preposition's own phrase ("to the Park", "to A and B"), without the phrases hung on it
    ("to irrigating farmers ... under the Farm Supply Contracts"): who receives is named there."""
    out: list[Token] = [prep]
    stack = [c for c in prep.children if c.dep_ in ("pobj", "pcomp", "dobj")]
    while stack:
        token = stack.pop()
        out.append(token)
        stack += [c for c in token.children if c.dep_ not in ("prep", "relcl", "acl", "advcl", "punct")]
    return out


_VALUE_PREPS = ("of", "for", "on", "to", "from", "with", "per", "in", "at")
_LEADING = {"the", "a", "an", "all", "our", "their", "its", "any", "each", "every", "both", "this", "that", "these",
            "those", "his", "her", "my", "your", "some", "such", "no", "own"}  # fmt: skip
_TIME_WORDS = re.compile(
    r"\b(?:q[1-4]|\d{4}|january|february|march|april|may|june|july|august|september|october|november|december|"
    r"week|weeks|month|months|year|years|day|days|monday|tuesday|wednesday|thursday|friday|now|today)\b",
    re.I,
)


def _object(verb: Token) -> Token | None:
    """The verb's direct object, or the one it shares with a verb it is joined to ("provides and
    operates the platform")."""
    obj = next((c for c in verb.children if c.dep_ in _OBJECTS), None)
    if obj is not None:
        return obj
    for other in verb.children:
        if other.dep_ == "conj" and other.pos_ == "VERB":
            shared = next((c for c in other.children if c.dep_ in ("dobj", "obj")), None)
            if shared is not None:
                return shared
    return None


def _gerund_after(verb: Token, obj: Token) -> Token | None:
    """The small model reads "leads site onboarding for hosts" as object "site" plus a gerund
    complement "onboarding": the gerund right after the object is the head of one noun phrase."""
    if obj.right_edge.i != obj.i:
        return None
    return next(
        (
            c
            for c in verb.children
            if c.dep_ in ("xcomp", "advcl", "ccomp") and c.tag_ == "VBG" and c.i == obj.i + 1 and c.left_edge.i == c.i
        ),
        None,
    )


def _subtree_text(token: Token) -> str:
    tokens = list(token.subtree)
    return token.doc.text[tokens[0].idx : tokens[-1].idx + len(tokens[-1].text)]


def _pobj(token: Token, preps: tuple[str, ...]) -> Token | None:
    for child in token.children:
        if child.dep_ in ("prep", "dative", "agent") and child.lower_ in preps:
            inner = _first_pobj(child)
            if inner is not None:
                return inner
    return None


def _sent_back(verb: Token) -> bool:
    return any(c.lower_ == "back" and c.dep_ in ("prt", "advmod") for c in verb.children)


def _is_amount(token: Token) -> bool:
    """A money phrase: a number with a currency ("EUR 3 per meter", "£40 a month")."""
    subtree = list(token.subtree)
    return any(t.like_num for t in subtree) and any(t.tag_ == "$" or t.text.upper() in _CURRENCIES for t in subtree)


_CURRENCIES = frozenset({"EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "€", "$", "£"})


def _first_pobj(prep: Token) -> Token | None:
    return next((g for g in prep.children if g.dep_ in ("pobj", "pcomp")), None)


def _first_pobj_of(verb: Token, preps: tuple[str, ...]) -> Token | None:
    return _pobj(verb, preps)


# What stands before a colon or dash and is no activity: a target ("availability >= 99.7 %"), a
# date or quarter ("Q3 2025"), or a document's own words ("In this Agreement").
_NOT_A_TOPIC = re.compile(
    r"[≥≤<>=]|\d\s*%|^\W*(?:q[1-4]|h[12]|fy)?\s*\d{2,4}\W*$|^(?:in|under|for|by|from|to|at|on|with)\s",
    re.I,
)


# Nouns of "own", "lead", "do" that name no piece of work ("hardware ownership"): a name keeps its verb.
NOT_WORK_NOMINALS = frozenset({"ownership", "leadership", "work"})


def _gerund_name(head: Token, reader: ClauseReader) -> str:
    """'responsible for integrating its truck appointment system with the Platform' is the truck
    appointment system's integration; 'for onboarding Forwarders' is forwarder onboarding."""
    if head.tag_ != "VBG":
        return ""
    obj = next((c for c in head.children if c.dep_ in ("dobj", "obj")), None)
    if obj is None:
        return ""
    named = reader.actors_in(obj.subtree)
    if named and obj.pos_ in ("PROPN", "NOUN") and len(list(obj.subtree)) <= 3:
        what = obj.text
    else:
        what = phrase_of(obj, reader, max_words=6)
    if not what:
        return ""
    noun = reader.vocab.nominal.get(head.lemma_.lower()) or head.lower_
    if noun in NOT_WORK_NOMINALS:
        noun = head.lower_
    return f"{singular(what)} {noun}"


def singular(phrase: str) -> str:
    """The phrase with its last word singular: "codeshare schedules" -> "codeshare schedule"."""
    head, _, last = phrase.rpartition(" ")
    if last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")) and len(last) > 3:
        last = last[:-1]
    return f"{head} {last}".strip()


def phrase_of(
    head: Token | None,
    reader: ClauseReader,
    stop: Token | None = None,
    max_words: int = 10,
    preps: tuple[str, ...] = _NAME_PREPS,
) -> str:
    """A short noun phrase for `head`: its modifiers, one prepositional complement, nothing after.

    Determiners and possessives lead nowhere; relative clauses, participles, appositions, time
    phrases and parentheses end the phrase. Returns '' for pronouns and bare actor names.
    """
    if head is None:
        return ""
    if head.lower_ in _PRONOUNS | _RELATIVE | _WE | {"everything", "anything", "something", "nothing", "all"}:
        return ""
    gerund = _gerund_name(head, reader)
    if gerund:
        return gerund
    keep: set[int] = {head.i}

    def take_left(token: Token) -> None:
        for child in token.lefts:
            if child.dep_ in (
                "compound",
                "amod",
                "nmod",
                "npadvmod",
                "nummod",
                "quantmod",
                "advmod",
                "punct",
                "hmod",
                "hyph",
                "det",
                "poss",
                "case",
            ):
                keep.update(t.i for t in child.subtree)

    take_left(head)
    for child in head.rights:
        if stop is not None and child.i >= stop.i:
            break
        if child.dep_ == "prep" and child.lower_ in preps:
            inner = _first_pobj(child)
            if inner is None or _TIME_WORDS.search(_subtree_text(inner)) or reader.actors_in(inner.subtree):
                break
            keep.update((child.i, inner.i))
            take_left(inner)
            for grand in inner.rights:
                if grand.dep_ in ("compound", "amod") or (grand.dep_ == "conj" and len(list(grand.subtree)) <= 3):
                    keep.update(t.i for t in grand.subtree)
                    keep.update(c.i for c in inner.rights if c.dep_ == "cc" and c.i < grand.i)
            break
        if child.dep_ == "conj" and len(list(child.subtree)) <= 3 and not reader.actors_in(child.subtree):
            keep.update(c.i for c in head.rights if c.dep_ == "cc" and c.i < child.i)
            keep.update(t.i for t in child.subtree)
            continue
        if child.dep_ == "acl" and child.tag_ == "VBG" and child.i == head.i + 1 and not list(child.children):
            keep.add(child.i)  # "status matching": a gerund the parser hung on the noun
            continue
        if child.dep_ in ("punct", "hyph") and child.text in ("-", "/"):
            keep.add(child.i)
            continue
        if child.dep_ in _CUT_DEPS:
            break
    tokens = sorted(keep)
    # A contiguous span only: a gap means the parse joined words that do not stand together.
    run = [tokens[0]]
    for i in tokens[1:]:
        if i == run[-1] + 1:
            run.append(i)
        elif head.i in run:
            break
        else:
            run = [i]
    doc = head.doc
    while run and (doc[run[0]].lower_ in _LEADING or doc[run[0]].is_punct or doc[run[0]].dep_ in ("case", "poss")):
        run.pop(0)
    while run and (doc[run[-1]].is_punct or doc[run[-1]].lower_ in ("and", "or", "of", "for", "the", "'s", "to")):
        run.pop()
    if not run:
        return ""
    span: Span = doc[run[0] : run[-1] + 1]
    text = span.text.strip(" *_`\"'“”‘’")
    if len(text.split()) > max_words:
        text = " ".join(text.split()[:max_words])
    covered = sum(m.end - m.start for m in reader.mentions if span.start_char <= m.start and m.end <= span.end_char)
    if covered >= len(text) * 0.6 or not re.search(r"[A-Za-z]{3,}", text):
        return ""
    return text


_VALUE_STOP_PREPS = {"through", "via", "within", "under", "according", "during", "after", "before", "until", "by", "at",
                     "in", "as", "against", "subject", "following", "upon", "since", "throughout"}  # fmt: skip


def value_of(head: Token, reader: ClauseReader, max_words: int = 14, stops: set[int] | None = None) -> str:
    """What flows in an exchange, in the document's words: the object with its amounts and what it
    is of or for ("a per-patient payment of EUR 4,200", "access to our members"), cut before the
    channel, the time, the conditions and any relative clause."""
    if head.lower_ in _PRONOUNS | _RELATIVE | _WE | _INDEFINITE:
        return ""
    stop_at = len(head.doc)
    for token in head.subtree:
        if token.i <= head.i:
            continue
        if token.dep_ in ("relcl", "advcl", "appos", "parataxis") or (
            token.dep_ == "acl" and not (token.tag_ in ("VBG", "VBN") and token.i == token.head.i + 1)
        ):
            stop_at = min(stop_at, token.left_edge.i)
        elif (
            (token.dep_ == "prep" and token.lower_ in _VALUE_STOP_PREPS and token.head.i == head.i)
            or token.text in (";", "(", ":", "—", "–")
            or (token.text == "," and token.head.i == head.i)
            or (stops and token.i in stops)
        ):
            stop_at = min(stop_at, token.i)
    tokens = [t for t in head.subtree if t.i < stop_at]
    possessor = [c for c in head.children if c.dep_ == "poss" and reader.actor_of_token(c) is not None]
    if possessor:  # "Orvane's audit fees" -> "audit fees": the owner is the counterparty, not the value
        skip = {t.i for c in possessor for t in c.subtree}
        tokens = [t for t in tokens if t.i not in skip and not (t.dep_ == "case" and t.head.i in skip)]
    while tokens and tokens[-1].pos_ == "ADV" and tokens[-1].lower_.endswith("ly"):
        tokens.pop()
    while tokens and (tokens[0].lower_ in _LEADING or tokens[0].is_punct):
        tokens.pop(0)
    while tokens and (
        (tokens[-1].is_punct and tokens[-1].text not in ("%", ")"))
        or tokens[-1].lower_ in ("and", "or", "of", "for", "the", "to", "with", ",")
    ):
        tokens.pop()
    if not tokens:
        return ""
    doc = head.doc
    text = doc.text[tokens[0].idx : tokens[-1].idx + len(tokens[-1].text)]
    text = " ".join(text.split()[:max_words]).strip(" *_`\"'“”‘’")
    span_start, span_end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    covered = sum(m.end - m.start for m in reader.mentions if span_start <= m.start and m.end <= span_end)
    if covered >= len(text) * 0.6 or not re.search(r"[A-Za-z]{3,}", text):
        return ""
    return text


_ACTIVITY_SUFFIX = re.compile(r"(?:ing|tion|tions|sion|ment|ments|ance|ence|al|ery|ship|age|ure|sis|ity)\b", re.I)


def activity_like(theme: str) -> bool:
    """An object that names work ('member queries', 'site audits', 'scheduling'), not a thing."""
    if not theme:
        return False
    # The head noun comes before its complement: "site onboarding for supermarket hosts".
    head = re.split(r"\s(?:for|of|on|across|within|with|to)\s", theme, maxsplit=1)[0]
    last = head.split()[-1].lower()
    return bool(_ACTIVITY_SUFFIX.search(last)) or bool({last, last + "s"} & vocabulary().work_nouns)


def parse_date(text: str, reference: dt.date | None) -> dt.date | None:
    """The date a phrase like 'from 1 March', 'as of Q3 2025', 'starting September' points at."""
    text = text.lower()
    year = reference.year if reference else None
    y = re.search(r"\b(20\d{2})\b", text)
    if y:
        year = int(y.group(1))
    numeric = re.search(r"\b(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2,4}))?\b", text)
    if numeric and year:
        day, month = int(numeric.group(1)), int(numeric.group(2))
        if month > 12 >= day:
            day, month = month, day  # a US-style month/day
        if numeric.group(3):
            year = int(numeric.group(3)) + (2000 if len(numeric.group(3)) == 2 else 0)
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    q = re.search(r"\bq([1-4])\b", text)
    if q and year:
        return dt.date(year, 3 * (int(q.group(1)) - 1) + 1, 1)
    for name, month in MONTHS.items():
        m = re.search(rf"\b(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?{name}\b(?:\s+(\d{{1,2}})\b)?", text)
        if m and year:
            day = int(m.group(1) or m.group(2) or 1)
            try:
                found = dt.date(year, month, min(day, 28) if day > 28 else day)
            except ValueError:
                return None
            if reference and found < reference - dt.timedelta(days=200) and not y:
                found = found.replace(year=found.year + 1)  # "from March" written in November
            return found
    if reference and re.search(r"\b(?:now|today|immediately|this week|next week)\b", text):
        return reference
    return None
