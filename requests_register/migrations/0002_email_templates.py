"""Default e-mail templates (editable afterwards in the admin).

Placeholders are string.Template names, listed on EmailTemplate: $reference, $name, $topic,
$question, $answer, $reason, $material_title, $material_url, $paro_name, $paro_email,
$spoc_name, $spoc_email, $office_name; the daily digest also uses $items.
"""

from django.db import migrations

SIGN_OFF = """
Yours sincerely

$spoc_name
Election Single Point of Contact
$office_name
"""

TEMPLATES = [
    {
        "key": "confirmation",
        "description": "Asks the requester to confirm in writing a request received by phone, "
        "in person or on social media (Cumbria protocol 6.1.2)",
        "subject": "$reference: please confirm your request in writing",
        "body": """Dear $name,

Thank you for contacting $office_name. We have recorded the request below, which reached us by
phone, in person or through social media, under reference $reference.

Topic: $topic

$question

So that we can be sure we have understood you correctly, and so that everyone standing at this
election is treated in the same way, we can only act on requests that we have in writing. Please
reply to this e-mail confirming the request, correcting anything we have got wrong. We will start
work on it as soon as we have your confirmation.
"""
        + SIGN_OFF,
    },
    {
        "key": "acknowledgement",
        "description": "Acknowledges a request received in writing",
        "subject": "$reference: we have received your request",
        "body": """Dear $name,

Thank you for your request about "$topic", which we have recorded under reference $reference.
Please quote this reference if you contact us about it.

We will reply by e-mail as soon as we can. If you have any questions in the meantime, please
reply to this e-mail.
"""
        + SIGN_OFF,
    },
    {
        "key": "reply",
        "description": "Sends the approved answer",
        "subject": "$reference: our reply about $topic",
        "body": """Dear $name,

Thank you for your request about "$topic" (reference $reference).

$answer

If anything is unclear, please reply to this e-mail quoting the reference.
"""
        + SIGN_OFF,
    },
    {
        "key": "referred_to_paro",
        "description": "Refers an electoral-process question to the Police Area Returning Officer",
        "subject": "$reference: your question is for the Police Area Returning Officer",
        "body": """Dear $name,

Thank you for your question about "$topic" (reference $reference).

Questions about the conduct of the election itself, such as nominations, expenses, the poll and
the count, are for the Police Area Returning Officer, who runs the election independently of this
office. Please contact $paro_name at $paro_email, who will be able to help you.
"""
        + SIGN_OFF,
    },
    {
        "key": "answered_by_material",
        "description": "Directs the requester to published briefing material (Cumbria 8.1)",
        "subject": "$reference: the information you asked for has been published",
        "body": """Dear $name,

Thank you for your request about "$topic" (reference $reference).

The information you asked for is in briefing material we have published and made available to
every candidate in the same way:

$material_title
$material_url

If the material does not answer your question, please reply to this e-mail saying what is still
needed.
"""
        + SIGN_OFF,
    },
    {
        "key": "refused",
        "description": "Refuses a request for information a candidate is not entitled to "
        "(Cumbria 3.3.5)",
        "subject": "$reference: we are unable to provide this information",
        "body": """Dear $name,

Thank you for your request about "$topic" (reference $reference).

We are sorry, but we are unable to provide this information. Candidates remain members of the
public during the election and are not entitled to information that is confidential or not
available to the public.

$reason

You may still ask for recorded information under the Freedom of Information Act 2000; please
reply to this e-mail if you would like us to treat your request in that way.
"""
        + SIGN_OFF,
    },
    {
        "key": "duplicate",
        "description": "Tells a requester their request is the same as one being answered",
        "subject": "$reference: your request about $topic",
        "body": """Dear $name,

Thank you for your request about "$topic" (reference $reference).

It is the same as an earlier request we are answering (reference $original). So that everyone
receives the same information, we will send you the same answer as soon as it is ready.

If your request was different in some way, please reply to this e-mail saying how.
"""
        + SIGN_OFF,
    },
    {
        "key": "withdrawn",
        "description": "Confirms that a request has been withdrawn",
        "subject": "$reference: your request has been withdrawn",
        "body": """Dear $name,

As you asked, we have withdrawn your request about "$topic" (reference $reference) and will take
no further action on it.

If you would like to make a new request, please reply to this e-mail.
"""
        + SIGN_OFF,
    },
    {
        "key": "digest",
        "description": "The daily digest of open and overdue register entries (staff)",
        "subject": "Election register: your open and overdue items",
        "body": """Dear $name,

These are your open register entries, overdue ones first:

$items

Please open Election SPOC to deal with them.

$spoc_name
Election Single Point of Contact
$office_name
""",
    },
]

KEYS = [template["key"] for template in TEMPLATES]


def create_templates(apps, schema_editor):
    EmailTemplate = apps.get_model("requests_register", "EmailTemplate")
    for template in TEMPLATES:
        # get_or_create: a template someone has already edited is left as it is.
        EmailTemplate.objects.get_or_create(
            key=template["key"],
            defaults={k: v for k, v in template.items() if k != "key"},
        )


def delete_templates(apps, schema_editor):
    EmailTemplate = apps.get_model("requests_register", "EmailTemplate")
    EmailTemplate.objects.filter(key__in=KEYS).delete()


class Migration(migrations.Migration):
    dependencies = [("requests_register", "0001_initial")]

    operations = [migrations.RunPython(create_templates, delete_templates)]
