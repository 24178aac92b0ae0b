import Docxtemplater from 'docxtemplater';
import type { LetterDraft } from '../domain/letters';
import { LETTERS_DIR, LetterTemplateError, openTemplate } from './template';

/** docxtemplater's errors carry what went wrong per tag in `properties`; a multi-error lists them in `properties.errors`. */
interface TemplateErrorLike {
  message: string;
  properties?: { explanation?: string; errors?: TemplateErrorLike[] };
}

function explain(e: TemplateErrorLike): string {
  const all = e.properties?.errors?.length ? e.properties.errors : [e];
  return all.map((x) => x.properties?.explanation ?? x.message).join('; ');
}

/**
 * The letter as a .docx: the draft's values in its template (docs/letters.md). Refuses, with a LetterTemplateError
 * that names the template, a template for another letter or policy version, a broken template, and any tag the draft
 * has no value for: a letter never goes out with a blank (docs/rules.md#R-letter-no-blank). Values are text: XML is
 * escaped and characters XML cannot hold are dropped, so nothing typed can change the document
 * (docs/rules.md#R-letter-text-literal).
 */
export function renderLetter(draft: LetterDraft, policyVersion: string, dir = LETTERS_DIR): Buffer {
  const zip = openTemplate(draft.kind, policyVersion, dir);
  const missing = (tag: string) => new LetterTemplateError(draft.template, `no value for {${tag}}: the draft ${draft.id} does not give it`);
  let doc: Docxtemplater;
  try {
    doc = new Docxtemplater(zip, {
      paragraphLoop: true,
      linebreaks: true,
      stripInvalidXMLChars: true,
      // Errors come back to the caller, named; docxtemplater's own log would print what people typed (docs/rules.md#R-sec-logs).
      errorLogging: false,
      nullGetter: (part) => {
        throw missing(part.value);
      },
    });
  } catch (e) {
    throw new LetterTemplateError(draft.template, `the template is broken: ${explain(e as TemplateErrorLike)}`);
  }
  try {
    doc.render(draft.values);
  } catch (e) {
    if (e instanceof LetterTemplateError) throw e;
    throw new LetterTemplateError(draft.template, explain(e as TemplateErrorLike));
  }
  return doc.toBuffer({ compression: 'DEFLATE' });
}
