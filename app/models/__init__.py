"""All models, imported here so Alembic and the app see the whole schema."""

from app.models.audit import AuditEvent
from app.models.break_glass import BreakGlassGrant
from app.models.checkin import Checkin, CheckinSettings, ScaleResponse
from app.models.consent import Consent
from app.models.enrolment import Enrolment, EnrolmentStatus, EnrolmentTransition, TransitionKind
from app.models.invite import Invite
from app.models.medications import (
    ChangeAction,
    DoseStatus,
    Medication,
    MedicationChange,
    MedicationDose,
    MedicationEntry,
    MedicationReminderSettings,
    MedicationSource,
    ProgramMedicationList,
    SideEffectAnswer,
    SideEffectReport,
    SkipReason,
)
from app.models.membership import ProgramMembershipChange
from app.models.mfa import RecoveryCode
from app.models.password_reset import PasswordReset
from app.models.program import LevelOfCare, Program
from app.models.push import (
    DeliveryOutcome,
    PushSubscription,
    Reminder,
    ReminderDelivery,
    ReminderPreference,
    ReminderStatus,
    WorkerLock,
)
from app.models.review import CareMessage, CheckinReview, ClinicalNote
from app.models.safety import SafetyAlert, SafetyPlan
from app.models.schedule import (
    Attendance,
    AttendanceStatus,
    CalendarFeed,
    NoticeKind,
    SessionKind,
    SessionOccurrence,
    SessionSeries,
)
from app.models.skills import (
    ProgramSkillSetting,
    Skill,
    SkillFavourite,
    SkillHomework,
    SkillPractice,
    SkillVersion,
)
from app.models.user import Role, User, clinician_programs

__all__ = [
    "Attendance",
    "AttendanceStatus",
    "CalendarFeed",
    "NoticeKind",
    "SessionKind",
    "SideEffectAnswer",
    "SideEffectReport",
    "SkipReason",
    "SessionOccurrence",
    "SessionSeries",
    "ProgramSkillSetting",
    "Skill",
    "SkillFavourite",
    "SkillHomework",
    "SkillPractice",
    "SkillVersion",
    "AuditEvent",
    "BreakGlassGrant",
    "CareMessage",
    "ChangeAction",
    "Checkin",
    "CheckinReview",
    "ClinicalNote",
    "CheckinSettings",
    "Consent",
    "DeliveryOutcome",
    "DoseStatus",
    "Enrolment",
    "EnrolmentStatus",
    "EnrolmentTransition",
    "Invite",
    "LevelOfCare",
    "Medication",
    "MedicationChange",
    "MedicationDose",
    "MedicationEntry",
    "MedicationReminderSettings",
    "MedicationSource",
    "PasswordReset",
    "Program",
    "ProgramMedicationList",
    "ProgramMembershipChange",
    "PushSubscription",
    "Reminder",
    "ReminderDelivery",
    "ReminderPreference",
    "ReminderStatus",
    "RecoveryCode",
    "Role",
    "SafetyAlert",
    "SafetyPlan",
    "ScaleResponse",
    "TransitionKind",
    "User",
    "WorkerLock",
    "clinician_programs",
]
