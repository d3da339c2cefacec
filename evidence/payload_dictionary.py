"""The preset dictionary of ledger payload encoding 0x01 (``evidence.fields``). NEVER CHANGE IT.

A record stored with encoding 0x01 is deflated against exactly these bytes and can only be read back
with exactly these bytes: changing one character makes every such record unreadable.
tests/test_ledger_fields.py pins its SHA-256. A better dictionary is a new constant with a new
version byte in ``evidence.fields``, and this one stays for the records already written with it.

What it holds: canonical payloads (sorted keys, no spaces) of the app's object types as their payload
functions wrote them when it was made, with typical values, so that a record's keys, punctuation and
usual words become short back-references. Deflate codes nearer matches in fewer bits, so the most
frequent payloads (log entries, a dozen a school day) come last. It is data, not a promise about the
payloads: a payload with other keys still encodes and decodes exactly, only less compactly.
"""

from __future__ import annotations

_TEMPLATES = (
    # IEP, calendar, provision, absence, deadline settings and events: a few records a year.
    '{"amendment_note":"","amends":null,"annual_review_due":"2027-05-14","case_manager_email":"case.manager@school.org",'
    '"case_manager_name":"Ms. Case Manager","child":1,"effective_from":"2026-09-01","effective_to":"2027-05-14",'
    '"id":1,"meeting_date":"2026-05-14","reevaluation_due":"2028-05-14","source_file":null,"status":"active"}',
    '{"child":1,"first_day":"2026-08-24","id":1,"last_day":"2027-06-04","name":"School year","non_school_days":'
    '[{"end":"2026-09-07","id":1,"name":"Labor Day","start":"2026-09-07"},{"end":"2026-11-27","id":2,'
    '"name":"Thanksgiving break","start":"2026-11-25"},{"end":"2027-01-01","id":3,"name":"Winter break",'
    '"start":"2026-12-21"}],"weekdays":["Monday","Tuesday","Wednesday","Thursday","Friday"]}',
    '{"id":1,"iep":1,"kind":"service","label":"Speech therapy","lineage":"6f1c1a9e-0000-4000-8000-000000000000",'
    '"minutes":120,"period":"month","position":1,"purpose":"","responsible_staff":"Speech-language pathologist",'
    '"schedule":"flexible","session_minutes":30,"sessions":4,"setting":"Special education classroom",'
    '"weekdays":[],"wording":"Speech and language therapy, 30 minutes per session"}',
    '{"id":2,"iep":1,"kind":"accommodation","label":"Extended time","lineage":"6f1c1a9e-0000-4000-8000-000000000000",'
    '"minutes":null,"period":"","position":2,"purpose":"","responsible_staff":"General education teacher",'
    '"schedule":"every_day","session_minutes":null,"setting":"General education classroom","weekdays":[],'
    '"wording":"Extended time (1.5x) on tests, quizzes and assignments"}',
    '{"child":1,"date":"2026-09-15","id":1,"reason":"Sick"}',
    '{"child":1,"disability":"","id":1}',
    '{"child":1,"date":"2026-09-15","id":1,"kind":"annual_review","note":"","retracted":false,'
    '"retraction_reason":"","source":"","source_id":null,"source_type":""}',
    # Attachments, reports, letters, costs, notices: a few a month.
    '{"content_type":"application/pdf","object_id":"","object_type":"","original_name":"IEP.pdf",'
    '"sha256":"0000000000000000000000000000000000000000000000000000000000000000","size":123456}',
    '{"bates_first":1,"bates_last":40,"generated_at":"2026-09-15T19:04:05.123456+00:00","generated_by_name":"",'
    '"id":1,"kind":"evidence","ledger_count":100,"ledger_head":"0000000000000000000000000000000000000000000000000000000000000000",'
    '"pages":40,"parameters":{"end":"2027-06-04","start":"2026-08-24"},"sha256":"","size":123456,"title":"Evidence report"}',
    '{"body":"","child":1,"communication":null,"id":1,"kind":"request_records","provision_ids":[],'
    '"range_from":"2026-08-24","range_to":"2026-09-15","sent_on":null,"status":"draft","subject":""}',
    '{"action":"","attachment":null,"child":1,"elements":[],"id":1,"notes":"","proposes":true,"received_on":"2026-09-15"}',
    '{"amount_cents":1000,"child":1,"date":"2026-09-15","description":"","id":1,"provider":"","provision_ids":[],'
    '"receipt":null,"retracted_at":null,"retraction_reason":""}',
    # Communications: several a month.
    '{"body":"","channel":"email","child":1,"counterpart_name":"","counterpart_role":"case_manager",'
    '"date":"2026-09-15","direction":"sent","edit_reason":"","entry_ids":[],"follow_up_closed":false,'
    '"follow_up_due":null,"from_address":"","id":1,"in_reply_to":null,"letter_kind":"","origin":"manual",'
    '"provision_ids":[],"retracted_at":null,"retraction_reason":"","source_attachment":null,"subject":"",'
    '"time":null,"to_address":""}',
    '{"child":1,"date":"2026-09-15","id":1,"note":"","tags":["substitute","test day","field trip","assembly"]}',
    # Log entries: a dozen a school day; the usual values of each field, the commonest last.
    '{"child":1,"date":"2026-09-15","device_time":"2026-09-15T19:04:05.123+00:00","edit_reason":"Corrected",'
    '"id":1,"is_makeup":true,"minutes_delivered":30,"miss_reason":"","note":"","provision":1,"recording_lag_days":1,'
    '"reported_by":"","retracted_at":"2026-09-15T19:04:05.123456+00:00","retraction_reason":"Logged by mistake",'
    '"source":"","status":"not_applicable"}',
    '{"child":1,"date":"2026-09-15","edit_reason":"","id":1,"is_makeup":false,"minutes_delivered":null,'
    '"miss_reason":"provider_absent","note":"","provision":1,"recording_lag_days":0,"reported_by":"",'
    '"retracted_at":null,"retraction_reason":"","source":"school_record","status":"unknown"}',
    '{"child":1,"date":"2026-09-15","edit_reason":"","id":1,"is_makeup":false,"minutes_delivered":null,'
    '"miss_reason":"cancelled_by_school","note":"","provision":1,"recording_lag_days":0,"reported_by":"",'
    '"retracted_at":null,"retraction_reason":"","source":"work_sample","status":"missed"}',
    '{"child":1,"date":"2026-09-15","edit_reason":"","id":1,"is_makeup":false,"minutes_delivered":null,'
    '"miss_reason":"staff_shortage","note":"","provision":1,"recording_lag_days":0,"reported_by":"",'
    '"retracted_at":null,"retraction_reason":"","source":"saw_it","status":"missed"}',
    '{"child":1,"date":"2026-09-15","edit_reason":"","id":1,"is_makeup":false,"minutes_delivered":15,'
    '"miss_reason":"scheduling","note":"","provision":1,"recording_lag_days":0,"reported_by":"Ms. Lee",'
    '"retracted_at":null,"retraction_reason":"","source":"teacher_said","status":"partial"}',
    '{"child":1,"date":"2026-09-15","edit_reason":"","id":1,"is_makeup":false,"minutes_delivered":null,'
    '"miss_reason":"substitute","note":"","provision":1,"recording_lag_days":0,"reported_by":"",'
    '"retracted_at":null,"retraction_reason":"","source":"child_said","status":"missed"}',
    '{"child":1,"date":"2026-09-15","edit_reason":"","id":1,"is_makeup":false,"minutes_delivered":30,'
    '"miss_reason":"","note":"","provision":1,"recording_lag_days":0,"reported_by":"","retracted_at":null,'
    '"retraction_reason":"","source":"","status":"delivered"}',
    '{"child":1,"date":"2026-09-15","edit_reason":"","id":1,"is_makeup":false,"minutes_delivered":null,'
    '"miss_reason":"","note":"","provision":1,"recording_lag_days":0,"reported_by":"","retracted_at":null,'
    '"retraction_reason":"","source":"","status":"delivered"}',
)

DICTIONARY_V1: bytes = "".join(_TEMPLATES).encode("utf-8")
