"""Refusals of the officer API: a stable error key, a message in Vietnamese and English, and
the facts a client needs to react (for a refused transition: the current status and the
statuses allowed next). Validation errors keep FastAPI's own 422 body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, Field


class Label(BaseModel):
    """A text in Vietnamese and English."""

    vi: str
    en: str


class ErrorDetail(BaseModel):
    """Why a request was refused."""

    error: str = Field(description="Stable key, e.g. unauthorized, transition_refused")
    message: Label
    reason: str | None = Field(None, description="For transition_refused: terminal, …")
    current_status: int | None = None
    requested_status: int | None = None
    allowed: list[int] | None = Field(None, description="Statuses allowed next")
    components: list[str] | None = Field(None, description="Component ids of the procedure")


class ErrorResponse(BaseModel):
    """The body of every refusal (a malformed request gets FastAPI's 422 list instead)."""

    detail: ErrorDetail


class FieldProblem(BaseModel):
    """One thing wrong with a malformed request, as FastAPI reports it."""

    loc: list[str | int]
    msg: str
    type: str
    input: Any = None
    ctx: dict[str, Any] | None = None


class ValidationResponse(BaseModel):
    """The 422 body of a malformed request (a path, query or body the schema refuses)."""

    detail: list[FieldProblem]


class UnreadableBody(BaseModel):
    """The 400 body of a request whose body cannot even be read (not UTF-8, not JSON)."""

    detail: str


MESSAGES: dict[str, tuple[str, str]] = {
    "unauthorized": (
        "Thiếu khóa API hoặc khóa API không hợp lệ (tiêu đề X-API-Key).",
        "Missing or unknown API key (X-API-Key header).",
    ),
    "forbidden": (
        "Khóa API này chỉ được xử lý hồ sơ của cơ quan mình.",
        "This API key may only act on its own agency's dossiers.",
    ),
    "not_found": ("Không tìm thấy hồ sơ {code}.", "No dossier {code}."),
    "handover_not_dead": (
        "Không có lần chuyển hồ sơ lỗi nào mang mã {key}.",
        "No failed hand-over has the key {key}.",
    ),
    "file_not_found": ("Hồ sơ không có tệp này.", "This dossier has no such file."),
    "unknown_procedure": ("Không có thủ tục {procedure}.", "No procedure {procedure}."),
    "awaiting_payment": (
        "Hồ sơ đang chờ thanh toán lệ phí, chưa được nộp.",
        "The dossier is still waiting for its fee: it is not submitted yet.",
    ),
    "transition_refused": (
        "Không thể chuyển hồ sơ từ trạng thái {old} sang {new}.",
        "The dossier cannot move from status {old} to {new}.",
    ),
    "use_supplement": (
        "Yêu cầu bổ sung giấy tờ qua POST /api/v1/dossiers/{{code}}/supplement.",
        "Ask for supplements with POST /api/v1/dossiers/{{code}}/supplement.",
    ),
    "unknown_component": (
        "Thủ tục không có thành phần hồ sơ {component}.",
        "The procedure has no document component {component}.",
    ),
    "result_not_allowed": (
        "Chỉ gửi kết quả cho hồ sơ đang xử lý (4) hoặc đã xử lý xong (9).",
        "A result is only sent for a dossier being processed (4) or resolved (9).",
    ),
    "note_too_long": (
        "Ghi chú dài quá {max} ký tự.",
        "The note is longer than {max} characters.",
    ),
    "talk_not_found": (
        "Không tìm thấy cuộc trao đổi {id} trong cơ quan của bạn.",
        "No conversation {id} in your agency.",
    ),
    "talk_closed": (
        "Cuộc trao đổi {id} đã kết thúc; không thể trả lời nữa.",
        "Conversation {id} has ended; it can no longer be answered.",
    ),
    "no_file": ("Thiếu tệp kết quả (trường file).", "The result file (field file) is missing."),
    "file_empty": ("Tệp {name} rỗng.", "The file {name} is empty."),
    "file_too_large": (
        "Tệp quá lớn: tối đa {max_mb} MB.",
        "The file is too large: {max_mb} MB at most.",
    ),
    "file_type": (
        "Chỉ nhận tệp {accepted}; tệp gửi lên là {detected}.",
        "Only {accepted} files are accepted; this one is {detected}.",
    ),
    "file_mismatch": (
        "Tệp {name} mang tên {declared} nhưng nội dung là {detected}.",
        "The file {name} is named as {declared} but its content is {detected}.",
    ),
}


def refusal(
    status_code: int, error: str, params: Mapping[str, object] | None = None, **facts: object
) -> HTTPException:
    """An HTTP error whose body is an `ErrorResponse`, its message from `MESSAGES`."""
    vi, en = MESSAGES[error]
    values = {k: str(v) for k, v in (params or {}).items()}
    message = {"vi": vi.format(**values), "en": en.format(**values)}
    detail = ErrorDetail.model_validate({"error": error, "message": message, **facts})
    return HTTPException(status_code, detail.model_dump(exclude_none=True))
