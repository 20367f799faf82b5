/**
 * A streaming reader for Apple Health's export.xml that keeps pace with a 1 GB file.
 *
 * sax alone reads ~20 MB/s here (≈ 50 s for 1 GB). An export is almost entirely one-line, self-closing
 * elements directly under <HealthData> (`<Record type="…" … value="62"/>`), most of them of types we do
 * not use (heart rate, steps, energy…). So the scanner splits the text into lines and, for each line:
 *
 *   - if sax is between tags (state TEXT) at depth 1 (directly inside the root), the line is at most
 *     SAX_PIECE_CHARS long (16 K; an export line is < 1 K; longer ones get sax's buffer limits), and it is one
 *     self-closing element whose syntax the strict SIMPLE_ELEMENT pattern accepts (double-quoted values,
 *     only the five XML entities or character references), it handles the line itself: it reads the `type`
 *     attribute, asks the handler whether it wants it, and only then parses the attributes;
 *   - everything else (the prolog, the DOCTYPE, <Workout> blocks with children, Records with metadata
 *     children, comments, anything odd) goes to a strict sax parser.
 *
 * Removing a complete self-closing element from a well-formed document leaves it well-formed, so sax still
 * checks the structure of everything it sees; the fast path checks the syntax of every line it takes.
 * Lines longer than MAX_LINE_CHARS go to sax in pieces, so memory stays bounded whatever the input.
 * Depth: the root element is 0, its children 1.
 */
import { StringDecoder } from 'node:string_decoder';
import sax, { type SAXParser } from 'sax';
import { ImportError } from './import-error.ts';

export interface XmlHandler {
  /** Pre-filter for fast-path lines: worth parsing the attributes of `<name type="…" …/>`? */
  wants(name: string, type: string | undefined): boolean;
  open(name: string, attrs: Readonly<Record<string, string>>, depth: number): void;
  close(name: string, depth: number): void;
}

const MAX_LINE_CHARS = 64 * 1024;
const SAX_PIECE_CHARS = 16 * 1024;

const VALUE = String.raw`"(?:[^"<&]|&(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)*"`;
const NAME = String.raw`[A-Za-z_][\w.:-]*`;
const SIMPLE_ELEMENT = new RegExp(String.raw`^\s*<(${NAME})((?:\s+${NAME}\s*=\s*${VALUE})*)\s*/>\s*$`);
const ATTRIBUTE = new RegExp(String.raw`(${NAME})\s*=\s*"([^"]*)"`, 'g');

/** sax exposes its state machine at runtime but not in its types. */
interface SaxInternals {
  state: number;
}
const SAX_TEXT_STATE = (sax as unknown as { STATE: Record<string, number> }).STATE.TEXT!;

function decodeEntities(v: string): string {
  if (!v.includes('&')) return v;
  return v.replace(/&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/g, (_, e: string) => {
    switch (e) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
  });
}

export function parseAttributes(src: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of src.matchAll(ATTRIBUTE)) out[m[1]!] = decodeEntities(m[2]!);
  return out;
}

export class HealthXmlScanner {
  private readonly parser: SAXParser;
  private readonly decoder = new StringDecoder('utf8');
  private depth = 0;
  private carry = '';
  /** The current line is longer than MAX_LINE_CHARS and is being fed to sax in pieces. */
  private longLine = false;
  /** 1-based number of the line being processed. */
  private lineNo = 0;
  private saxError: Error | undefined;
  private sawRoot = false;
  /** How many lines took the fast path / went to sax (for tests and tuning). */
  readonly stats = { fastLines: 0, saxLines: 0 };

  constructor(
    private readonly handler: XmlHandler,
    private readonly label = 'export.xml',
  ) {
    const p = sax.parser(true, {});
    p.onerror = (e) => {
      this.saxError ??= e;
    };
    p.onopentag = (tag) => {
      this.sawRoot = true;
      this.handler.open(tag.name, tag.attributes as Record<string, string>, this.depth);
      this.depth++;
    };
    p.onclosetag = (name) => {
      this.depth--;
      this.handler.close(name, this.depth);
    };
    this.parser = p;
  }

  write(chunk: Buffer | string): void {
    this.feed(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
  }

  /** Flush the last line, close the document and throw if it is not complete and well-formed. */
  end(): void {
    this.feed(this.decoder.end());
    if (this.carry.length > 0 || this.longLine) {
      this.lineNo++;
      const last = this.carry;
      this.carry = '';
      if (this.longLine) this.saxWrite(last);
      else this.processLine(last);
      this.longLine = false;
    }
    if (!this.sawRoot) {
      throw new ImportError('IMPORT.INVALID_XML', `${this.label} holds no XML element at all.`);
    }
    try {
      this.parser.close();
    } catch (e) {
      this.saxError ??= e as Error;
    }
    this.throwIfSaxFailed(true);
  }

  private feed(s: string): void {
    let start = 0;
    for (;;) {
      const nl = s.indexOf('\n', start);
      if (nl === -1) break;
      this.lineNo++;
      let line = s.slice(start, nl + 1);
      if (this.carry.length > 0) {
        line = this.carry + line;
        this.carry = '';
      }
      if (this.longLine) {
        this.longLine = false;
        this.saxWrite(line);
      } else {
        this.processLine(line);
      }
      start = nl + 1;
    }
    if (start >= s.length) return;
    const rest = s.slice(start);
    if (this.longLine) {
      this.saxWrite(rest, this.lineNo + 1);
    } else {
      this.carry += rest;
      if (this.carry.length > MAX_LINE_CHARS) {
        this.longLine = true;
        const piece = this.carry;
        this.carry = '';
        this.saxWrite(piece, this.lineNo + 1);
      }
    }
  }

  private processLine(line: string): void {
    if (line.length <= SAX_PIECE_CHARS && this.depth === 1 && (this.parser as unknown as SaxInternals).state === SAX_TEXT_STATE) {
      const m = SIMPLE_ELEMENT.exec(line);
      if (m) {
        this.stats.fastLines++;
        const name = m[1]!;
        const attrSrc = m[2]!;
        const t = attrSrc.indexOf(' type="');
        const type = t === -1 ? parseAttributes(attrSrc).type : decodeEntities(attrSrc.slice(t + 7, attrSrc.indexOf('"', t + 7)));
        if (this.handler.wants(name, type)) {
          this.handler.open(name, parseAttributes(attrSrc), 1);
          this.handler.close(name, 1);
        }
        return;
      }
    }
    this.stats.saxLines++;
    this.saxWrite(line);
  }

  /**
   * sax caps each of its buffers (an attribute value, a text node…) at 64 KB but only checks between
   * writes; writing at most SAX_PIECE_CHARS at a time makes the cap hold whatever the chunking of the input:
   * values up to 64 KB always pass, values over 80 KB always fail (INVALID_XML), memory stays bounded.
   */
  private saxWrite(text: string, lineNo = this.lineNo): void {
    for (let i = 0; i < text.length; i += SAX_PIECE_CHARS) {
      try {
        this.parser.write(text.length <= SAX_PIECE_CHARS ? text : text.slice(i, i + SAX_PIECE_CHARS));
      } catch (e) {
        if (e instanceof ImportError) throw e;
        this.saxError ??= e as Error;
      }
      if (this.saxError) this.throwIfSaxFailed(false, lineNo);
    }
  }

  private throwIfSaxFailed(atEnd: boolean, lineNo = this.lineNo): void {
    if (!this.saxError) return;
    const what = (this.saxError.message.split('\n')[0] ?? 'syntax error').trim();
    const where = atEnd ? 'at the end of the file (is it truncated?)' : `at line ${lineNo}`;
    throw new ImportError('IMPORT.INVALID_XML', `${this.label} is not well-formed XML ${where}: ${what}.`, { cause: this.saxError });
  }
}
