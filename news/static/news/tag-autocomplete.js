'use strict';
// Turns the comma-separated topics box into a searchable multi-select (the admin's select2),
// keeping the text box as what is submitted, so the form still works without JavaScript.
{
    const $ = django.jQuery;
    const TAG = /\s*(?:"([^"]+)"|([^,]+))/g;

    function parseTags(text) {
        return Array.from(text.matchAll(TAG), (match) => (match[1] || match[2]).trim())
            .filter(Boolean);
    }

    function formatTags(names) {
        return names.map((name) => (/[ ,]/.test(name) ? `"${name}"` : name)).join(', ');
    }

    $(function () {
        $('input[data-tag-autocomplete-url]').each(function () {
            const input = this;
            const select = $('<select multiple>').attr('aria-label', input.labels[0]?.textContent);
            select.insertAfter(input);
            for (const name of parseTags(input.value)) {
                select.append(new Option(name, name, true, true));
            }
            $(input).hide();
            select.select2({
                tags: true,
                tokenSeparators: [','],
                width: '100%',
                ajax: {
                    url: input.dataset.tagAutocompleteUrl,
                    dataType: 'json',
                    delay: 250,
                    data: (params) => ({term: params.term}),
                },
            });
            select.on('change', () => {
                input.value = formatTags(select.val() || []);
            });
        });
    });
}
