"""intel models: the persisted near-duplicate index of transcripts (rule ZN-BL-01).

- ``BoilerplateSentence``: the sentences learned as boilerplate (they recur in many transcripts:
  rights notices, headers, closing formulas), under a content-hashed ``version``.
- ``TranscriptSignature``: one transcript's MinHash over the character shingles of its text with
  the boilerplate removed, under the boilerplate version it was computed with.
- ``TranscriptBand``: the LSH bands of each signature (band number, hash of the band's rows),
  indexed so that the candidates of a new transcript are one indexed look-up.
- ``TranscriptPairScore``: the scores of a candidate pair, kept while both signatures are the
  ones it was scored with, so that a full run verifies only new and changed pairs.
- ``IncidentSuggestion``: the learned model's reading of an incident's text, kept while the
  incident, the model and the lexicon are unchanged, so that a full run reads only new texts.

Transcripts are referenced without a database constraint: imports delete records with plain SQL,
and an index row whose transcript vanished is simply dropped at the next synchronisation.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from fazhi.records import models as records


class BoilerplateVersion(models.Model):
    """One learning of the boilerplate; the latest is current. Its ``version`` is a hash of the
    learned sentences, so relearning an unchanged corpus keeps the signatures valid."""

    version = models.CharField("版本", max_length=16, unique=True)
    learned_at = models.DateTimeField("学习时间", default=timezone.now)
    corpus_size = models.PositiveIntegerField("笔录数")
    min_df = models.PositiveIntegerField("最低出现笔录数")
    sentences = models.PositiveIntegerField("套话句数")
    # False until a full ZN-BL-01 evaluation ran under this version: an incremental patrol
    # re-checks every transcript until then (the learned boilerplate changes every score)
    patrolled = models.BooleanField("已全量巡查", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "套话版本"

    def __str__(self) -> str:
        return self.version


class BoilerplateSentence(models.Model):
    version = models.CharField("版本", max_length=16, db_index=True)
    digest = models.CharField("摘要", max_length=32)
    text = models.TextField("句子")
    document_frequency = models.PositiveIntegerField("出现笔录数")
    learned_at = models.DateTimeField("学习时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "笔录套话"
        constraints = [
            models.UniqueConstraint(fields=["version", "digest"], name="uniq_boilerplate_digest")
        ]

    def __str__(self) -> str:
        return self.text


class TranscriptSignature(models.Model):
    transcript = models.OneToOneField(
        records.Transcript,
        models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="signature",
        verbose_name="笔录",
    )
    version = models.CharField("套话版本", max_length=16)
    minhash = models.BinaryField("MinHash")
    shingle_count = models.PositiveIntegerField("片段数")
    # the transcript's changed_at when signed: a later one means the text may have changed
    source_changed_at = models.DateTimeField("笔录变更时间")
    changed_at = models.DateTimeField("计算时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "笔录指纹"

    def __str__(self) -> str:
        return f"{self.transcript_id} v{self.version}"


class TranscriptBand(models.Model):
    transcript = models.ForeignKey(
        records.Transcript,
        models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name="笔录",
    )
    band = models.PositiveSmallIntegerField("分段")
    key = models.BigIntegerField("分段摘要")

    class Meta:
        verbose_name = verbose_name_plural = "笔录指纹分段"
        indexes = [
            models.Index(fields=["band", "key"], name="intel_band_key"),
            models.Index(fields=["transcript"], name="intel_band_transcript"),
        ]

    def __str__(self) -> str:
        return f"{self.transcript_id} #{self.band}"


class TranscriptPairScore(models.Model):
    """The similarity of one candidate pair, as last computed from both signatures. A full
    ZN-BL-01 run verifies every candidate pair by signing both texts again (a province's half a
    million candidate pairs are most of its daily patrol); a pair whose two signatures are the
    ones it was scored with keeps its score, whatever thresholds the rule is run with: the
    alignment is stored when it was computed, and a threshold that needs it recomputes it."""

    a = models.ForeignKey(
        records.Transcript, models.DO_NOTHING, db_constraint=False, related_name="+",
        verbose_name="笔录甲",
    )  # fmt: skip
    b = models.ForeignKey(
        records.Transcript, models.DO_NOTHING, db_constraint=False, related_name="+",
        verbose_name="笔录乙",
    )  # fmt: skip
    version = models.CharField("套话版本", max_length=16)
    # the two signatures' changed_at when scored: a re-signed transcript no longer matches
    a_signed_at = models.DateTimeField("笔录甲指纹时间")
    b_signed_at = models.DateTimeField("笔录乙指纹时间")
    jaccard = models.FloatField("相似度")
    alignment = models.FloatField("逐句对齐比例", null=True)

    class Meta:
        verbose_name = verbose_name_plural = "笔录相似度"
        constraints = [models.UniqueConstraint(fields=["a", "b"], name="uniq_pair_score")]
        indexes = [models.Index(fields=["b"], name="intel_pair_score_b")]

    def __str__(self) -> str:
        return f"{self.a_id} ~ {self.b_id}"


class IncidentSuggestion(models.Model):
    """The learned model's reading of one incident's text for one category, kept while the
    incident, the model, the lexicon files and the code that scopes the text are the ones it
    was computed with (``basis``). The model reads the clauses the scope model leaves factual,
    about 0.3 ms a text, and a full patrol asks it of every incident whose text has no cue:
    on a province that was most of ZN-JQ-01's and ZN-JF-02's time, every day."""

    incident = models.ForeignKey(
        records.Incident, models.DO_NOTHING, db_constraint=False, related_name="+",
        verbose_name="警情",
    )  # fmt: skip
    category = models.CharField("类别", max_length=16)
    basis = models.CharField("依据版本", max_length=16)
    # the incident's changed_at when read: a later one means the text may have changed
    source_changed_at = models.DateTimeField("警情变更时间")
    probability = models.FloatField("概率")
    # the n-grams named in the explanation, with their weights, when it suggests
    pushed_by = models.JSONField("主要依据字串", default=list)

    class Meta:
        verbose_name = verbose_name_plural = "学习模型判读"
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "category"], name="uniq_incident_suggestion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.category} {self.probability:.2f}"
