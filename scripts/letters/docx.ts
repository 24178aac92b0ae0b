import PizZip from 'pizzip';

/**
 * A minimal, valid Word document (WordprocessingML), written with pizzip: what the first letter templates are made of
 * when no Word is at hand. Word opens and saves it like any other document; the policy team edits it from then on.
 */

/** Paragraph styles the templates use, defined in word/styles.xml below. */
export type Style = 'Normal' | 'Title' | 'Heading1' | 'ListBullet' | 'Quote' | 'Placeholder';

export interface Paragraph {
  style: Style;
  text: string;
}

export interface DocumentProperties {
  title: string;
  /** Custom document properties (File > Info > Properties > Advanced > Custom in Word), e.g. PolicyVersion. */
  custom: Record<string, string>;
}

/**
 * The time every part carries (zip entries and the core properties), so the same input gives the same bytes. A local
 * time on purpose: pizzip writes zip times from a Date's local fields, so this gives the same fields in any time zone.
 */
const FIXED_TIME = new Date(2025, 0, 1, 0, 0, 0);
const FIXED_W3CDTF = '2025-01-01T00:00:00Z';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
/** The format id Office gives user-defined custom properties. */
const USER_DEFINED_PROPERTIES = '{D5CDD505-2E9C-101B-9397-08002B2CF9AE}';

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function paragraph({ style, text }: Paragraph): string {
  const pPr = style === 'Normal' ? '' : `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>`;
  return `<w:p>${pPr}<w:r><w:t xml:space="preserve">${escape(text)}</w:t></w:r></w:p>`;
}

const CONTENT_TYPES = `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>
</Types>`;

const PACKAGE_RELS = `${XML_HEAD}<Relationships xmlns="${PKG_REL}">
<Relationship Id="rId1" Type="${REL}/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="${REL}/custom-properties" Target="docProps/custom.xml"/>
</Relationships>`;

const DOCUMENT_RELS = `${XML_HEAD}<Relationships xmlns="${PKG_REL}">
<Relationship Id="rId1" Type="${REL}/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="${REL}/numbering" Target="numbering.xml"/>
</Relationships>`;

/** Arial 11 pt, A4; headings bold; bullets from numbering.xml; the address placeholder shaded so nobody misses it. */
const STYLES = `${XML_HEAD}<w:styles xmlns:w="${W}">
<w:docDefaults>
<w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="Arial" w:cs="Arial"/><w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:b/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:spacing w:after="60"/><w:ind w:left="720" w:hanging="360"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="60"/><w:ind w:left="720" w:right="720"/></w:pPr><w:rPr><w:i/></w:rPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="Placeholder"><w:name w:val="Mail merge placeholder"/><w:basedOn w:val="Normal"/><w:pPr><w:pBdr><w:top w:val="single" w:sz="4" w:space="4" w:color="808080"/><w:left w:val="single" w:sz="4" w:space="4" w:color="808080"/><w:bottom w:val="single" w:sz="4" w:space="4" w:color="808080"/><w:right w:val="single" w:sz="4" w:space="4" w:color="808080"/></w:pBdr><w:shd w:val="clear" w:color="auto" w:fill="EDEDED"/><w:spacing w:before="120" w:after="360"/></w:pPr><w:rPr><w:color w:val="595959"/></w:rPr></w:style>
</w:styles>`;

const NUMBERING = `${XML_HEAD}<w:numbering xmlns:w="${W}">
<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
</w:numbering>`;

function document(paragraphs: readonly Paragraph[]): string {
  // A4 with 2.5 cm margins.
  const section =
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr>';
  return `${XML_HEAD}<w:document xmlns:w="${W}" xmlns:r="${REL}"><w:body>\n${paragraphs.map(paragraph).join('\n')}\n${section}</w:body></w:document>`;
}

function core(title: string): string {
  return `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>${escape(title)}</dc:title>
<dc:creator>Calico Homes</dc:creator>
<dcterms:created xsi:type="dcterms:W3CDTF">${FIXED_W3CDTF}</dcterms:created>
<dcterms:modified xsi:type="dcterms:W3CDTF">${FIXED_W3CDTF}</dcterms:modified>
</cp:coreProperties>`;
}

function custom(properties: Record<string, string>): string {
  // Property ids start at 2, as Word numbers them.
  const props = Object.entries(properties).map(
    ([name, value], i) =>
      `<property fmtid="${USER_DEFINED_PROPERTIES}" pid="${i + 2}" name="${escape(name)}"><vt:lpwstr>${escape(value)}</vt:lpwstr></property>`,
  );
  return `${XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
${props.join('\n')}
</Properties>`;
}

/** The .docx bytes: the same paragraphs and properties always give the same bytes (fixed times, fixed part order). */
export function docx(paragraphs: readonly Paragraph[], properties: DocumentProperties): Buffer {
  const zip = new PizZip();
  const parts: [string, string][] = [
    ['[Content_Types].xml', CONTENT_TYPES],
    ['_rels/.rels', PACKAGE_RELS],
    ['word/document.xml', document(paragraphs)],
    ['word/_rels/document.xml.rels', DOCUMENT_RELS],
    ['word/styles.xml', STYLES],
    ['word/numbering.xml', NUMBERING],
    ['docProps/core.xml', core(properties.title)],
    ['docProps/custom.xml', custom(properties.custom)],
  ];
  for (const [name, content] of parts) zip.file(name, content, { date: FIXED_TIME });
  return zip.generate({ type: 'nodebuffer', compression: 'DEFLATE' });
}
