"""The evaluation report: its facts (`facts`), its pages as blocks (`build`), the service."""

from app.services.evaluation.facts import ExtraFigures
from app.services.evaluation.service import EvaluationService, ExtraSource

__all__ = ["EvaluationService", "ExtraFigures", "ExtraSource"]
