'use strict';
// The change form of pages and releases (pages/editing.py): live character counts under the
// title and summary, the full public address under the slug, and thumbnails in the image
// choosers. Without it the form works the same, without these aids.
{
    function showCount(field) {
        const limit = Number(field.dataset.countLimit);
        const output = document.createElement('output');
        output.className = 'char-count';
        output.setAttribute('for', field.id);
        output.setAttribute('aria-live', 'polite');
        field.insertAdjacentElement('afterend', output);
        const update = () => {
            const length = field.value.length;
            output.textContent = `${length} characters. ${field.dataset.countHint}`;
            output.classList.toggle('over-limit', length > limit);
        };
        field.addEventListener('input', update);
        update();
    }

    function showAddress(slug) {
        const output = document.createElement('output');
        output.className = 'public-address';
        output.setAttribute('for', slug.id);
        slug.insertAdjacentElement('afterend', output);
        const update = () => {
            const address = slug.dataset.address.replace(slug.dataset.addressMark, slug.value || '…');
            output.textContent = address;
        };
        slug.addEventListener('input', update);
        // The admin's own script fills the slug from the title on these events, sending none.
        const title = document.getElementById('id_title');
        for (const type of ['keyup', 'change', 'focus']) {
            title?.addEventListener(type, () => setTimeout(update));
        }
        update();
    }

    function thumbnailChoice(data) {
        const thumbnail = data.thumbnail || data.element?.closest('select')?.dataset.thumbnail;
        if (!thumbnail || !data.id) {
            return data.text;
        }
        const choice = document.createElement('span');
        choice.className = 'image-choice';
        const image = document.createElement('img');
        image.src = thumbnail;
        image.alt = '';
        choice.append(image, document.createTextNode(data.text));
        return django.jQuery(choice);
    }

    function showThumbnails(select) {
        // The admin's select2, set up again with thumbnails in its results and selection.
        django.jQuery(select).select2({
            ajax: {
                data: (params) => ({
                    term: params.term,
                    page: params.page,
                    app_label: select.dataset.appLabel,
                    model_name: select.dataset.modelName,
                    field_name: select.dataset.fieldName,
                }),
            },
            templateResult: thumbnailChoice,
            templateSelection: thumbnailChoice,
        });
    }

    document.querySelectorAll('[data-count-limit]').forEach(showCount);
    document.querySelectorAll('input[data-address]').forEach(showAddress);
    if (window.django?.jQuery?.fn.select2) {
        // Queued after the admin's own ready handler, which sets up select2 first.
        django.jQuery(() => document.querySelectorAll('select[data-thumbnails]').forEach(showThumbnails));
    }
}
