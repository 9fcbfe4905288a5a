"""Practice evaluator for written exam answers (UPSC Civil Services Mains).

    >>> from answer_evaluator import load_rubric, evaluate_answer
    >>> rubric = load_rubric("rubrics/india-japan-partnership.toml")
    >>> evaluation = evaluate_answer("India and Japan ...", rubric)
    >>> evaluation.marks, [d.state for d in evaluation.dimensions]

Heavy libraries (scikit-learn, NLTK) load only when something needs them.
"""

from __future__ import annotations

__version__ = "0.1.0"

_EXPORTS = {
    "Evaluator": "engine", "evaluate_answer": "engine",
    "load_rubric": "rubric", "parse_rubric": "rubric",
    "read_answer": "reading", "answer_from_text": "reading",
    "render_report": "report", "choose_rubric": "selection",
    "Settings": "settings", "Catalogue": "catalogue",
    "EvaluatorError": "errors", "RubricError": "errors", "AnswerReadError": "errors",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
