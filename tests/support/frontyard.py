"""One client for the counter's three services (VisitService, CertificateService, ApplicationService).

Tests that walk a visit from the first member to the staff's outbox call methods of all three; this stub
holds the three generated stubs' methods on one object, each still bound to its own service path.
"""

from __future__ import annotations

from typing import Any, cast

import grpc
from kiosk.v1 import application_pb2_grpc, certificate_pb2_grpc, visit_pb2, visit_pb2_grpc

_SERVICES = (
    visit_pb2_grpc.VisitServiceStub,
    certificate_pb2_grpc.CertificateServiceStub,
    application_pb2_grpc.ApplicationServiceStub,
)


class FrontyardStub(
    visit_pb2_grpc.VisitServiceStub,
    certificate_pb2_grpc.CertificateServiceStub,
    application_pb2_grpc.ApplicationServiceStub,
):
    def __init__(self, channel: grpc.Channel) -> None:
        for service in _SERVICES:
            # The generated .pyi types the constructor as __new__ overloads; __init__ sets the methods.
            cast(Any, service).__init__(self, channel)


def answer_everything(stub: FrontyardStub, visit: str) -> None:
    """Answer every question of ``visit`` with the first or the negative answer, until none is left."""
    pending = stub.ListPendingQuestions(visit_pb2.ListPendingQuestionsRequest(visit=visit)).questions
    for _ in range(200):
        if not pending:
            return
        question = pending[0]
        value: dict[str, Any] = {"bool_value": False}
        if question.kind == visit_pb2.ANSWER_KIND_COUNT:
            value = {"count_value": 0}
        elif question.kind == visit_pb2.ANSWER_KIND_CHOICE:
            value = {"choice_value": question.choices[0]}
        elif question.kind in (visit_pb2.ANSWER_KIND_MEMBERS, visit_pb2.ANSWER_KIND_MULTI_CHOICE):
            value = {"values_value": visit_pb2.AnswerValues()}  # none of them
        request = visit_pb2.AnswerQuestionRequest(
            visit=visit, question_id=question.question_id, person_id=question.person_id, **value
        )
        pending = stub.AnswerQuestion(request).questions
    raise AssertionError("the questionnaire does not converge")
