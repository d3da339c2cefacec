"""The project-wide form renderer: every form renders through templates/forms/."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Find form templates through TEMPLATES, so templates/forms/ can style every field alike."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
