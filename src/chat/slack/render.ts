/**
 * ChatMessage → Slack Block Kit, and ChatForm ⇄ Slack modal view.
 *
 * Message: header (tone shown as an emoji — Block Kit has no colour bar), the summary as a mrkdwn
 * section, one section per ChatSection (text, and its fields in groups of ≤ 10), the chart as an image
 * block pointing at an uploaded file (`slack_file.id`), the buttons in an actions block (action_id and
 * value both carry ChatButton.id), and the footer as a context block. `text` is the notification /
 * fallback text. Limits enforced with "…": header 150, field 2000, button text 75, 25 elements per
 * actions block. Lists are not cut: a section's text longer than a block's 3000 characters goes on in
 * further section blocks (split between entries), fields in groups of 10. Past 50 blocks a last context
 * block says how many sections were left out. (The first version cut each section at 3000: a 40-athlete
 * team board showed 28.)
 */
import type {
  ActionsBlock,
  Button,
  ContextBlock,
  HeaderBlock,
  ImageBlock,
  InputBlock,
  KnownBlock,
  ModalView,
  PlainTextOption,
  SectionBlock,
} from '@slack/web-api';
import type { ChatButton, ChatForm, ChatMessage } from '../../core/chat.ts';
import { AppError } from '../../errors.ts';
import { decodeFormId, encodeFormId, toSubmission, type FormSubmission } from '../form-id.ts';
import { chunkEntries, escapeSlack, toSlackMrkdwn, truncate } from '../text.ts';

export const SLACK_LIMITS = {
  blocks: 50,
  header: 150,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  buttonText: 75,
  actionId: 255,
  buttonValue: 2000,
  actionsElements: 25,
  contextText: 3000,
  altText: 2000,
  fallbackText: 3000,
  viewTitle: 24,
  viewBlocks: 100,
  inputLabel: 2000,
  placeholder: 150,
  callbackId: 255,
  privateMetadata: 3000,
  optionText: 75,
  options: 100,
  textInputValue: 3000,
} as const;

export const TONE_EMOJI = { green: '🟢', amber: '🟠', red: '🔴', neutral: '' } as const;

export interface SlackMessagePayload {
  text: string;
  blocks: KnownBlock[];
}

export interface SlackRenderOptions {
  /** Id of the uploaded chart (files.getUploadURLExternal → completeUploadExternal); without it no image block. */
  imageFileId?: string;
  /** Text before everything, e.g. "<@U123>" for a mention. Already mrkdwn. */
  mention?: string;
}

function mrkdwnField(label: string, value: string) {
  return { type: 'mrkdwn' as const, text: truncate(`*${escapeSlack(label)}*\n${toSlackMrkdwn(value)}`, SLACK_LIMITS.fieldText) };
}

export function renderSlackButtons(buttons: readonly ChatButton[]): ActionsBlock[] {
  const ids = new Set<string>();
  const blocks: ActionsBlock[] = [];
  buttons.forEach((b, i) => {
    if (b.id.length === 0 || b.id.length > SLACK_LIMITS.actionId)
      throw new AppError('CHAT.CUSTOM_ID_INVALID', 'This button cannot be shown.', { details: { id: b.id } });
    if (ids.has(b.id)) throw new AppError('CHAT.CUSTOM_ID_INVALID', 'This message has two buttons with the same id.', { details: { id: b.id } });
    ids.add(b.id);
    if (i % SLACK_LIMITS.actionsElements === 0) blocks.push({ type: 'actions', elements: [] });
    const button: Button = {
      type: 'button',
      action_id: b.id,
      value: b.id,
      text: { type: 'plain_text', text: truncate(b.label, SLACK_LIMITS.buttonText), emoji: true },
    };
    // Slack has two accent styles; secondary and success buttons stay default.
    if (b.style === 'primary' || b.style === 'danger') button.style = b.style;
    blocks[blocks.length - 1]!.elements.push(button);
  });
  return blocks;
}

/** Title and summary as notification / fallback text, escaped like every other mrkdwn text. */
export function slackFallbackText(message: ChatMessage): string {
  // `text` is mrkdwn too: a team name or note holding "<!channel>" must not ping anybody.
  return truncate(escapeSlack(`${message.title}\n${message.summary}`), SLACK_LIMITS.fallbackText);
}

export function renderSlackMessage(message: ChatMessage, options: SlackRenderOptions = {}): SlackMessagePayload {
  const emoji = TONE_EMOJI[message.tone ?? 'neutral'];
  const head: KnownBlock[] = [];
  const header: HeaderBlock = {
    type: 'header',
    text: { type: 'plain_text', text: truncate(emoji ? `${emoji} ${message.title}` : message.title, SLACK_LIMITS.header), emoji: true },
  };
  head.push(header);
  const summary = options.mention ? `${options.mention} ${toSlackMrkdwn(message.summary)}` : toSlackMrkdwn(message.summary);
  const summaryBlock: SectionBlock = { type: 'section', text: { type: 'mrkdwn', text: truncate(summary, SLACK_LIMITS.sectionText) } };
  head.push(summaryBlock);

  const body: KnownBlock[] = [];
  for (const section of message.sections ?? []) {
    const parts: string[] = [];
    if (section.title) parts.push(`*${escapeSlack(section.title)}*`);
    if (section.text && section.text.trim() !== '') parts.push(toSlackMrkdwn(section.text));
    // A long list goes on in further section blocks, split between entries: never cut. The last piece of
    // text shares its block with the first 10 fields.
    const texts = parts.length > 0 ? chunkEntries(parts.join('\n'), SLACK_LIMITS.sectionText) : [];
    const fields = (section.fields ?? []).map((f) => mrkdwnField(f.label, f.value));
    const withFields = fields.length > 0 ? texts.pop() : undefined;
    for (const text of texts) body.push({ type: 'section', text: { type: 'mrkdwn', text } });
    for (let i = 0; i < fields.length; i += SLACK_LIMITS.fieldsPerSection) {
      const block: SectionBlock = { type: 'section', fields: fields.slice(i, i + SLACK_LIMITS.fieldsPerSection) };
      if (i === 0 && withFields) block.text = { type: 'mrkdwn', text: withFields };
      body.push(block);
    }
  }

  const tail: KnownBlock[] = [];
  if (message.image && options.imageFileId) {
    const image: ImageBlock = {
      type: 'image',
      slack_file: { id: options.imageFileId },
      alt_text: truncate(message.image.alt, SLACK_LIMITS.altText),
    };
    tail.push(image);
  }
  if (message.buttons && message.buttons.length > 0) tail.push(...renderSlackButtons(message.buttons));
  if (message.footer) {
    const footer: ContextBlock = {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: truncate(toSlackMrkdwn(message.footer), SLACK_LIMITS.contextText) }],
    };
    tail.push(footer);
  }
  // 50 blocks at most: section blocks give way first, with a note that some were left out.
  const room = SLACK_LIMITS.blocks - head.length - tail.length;
  if (body.length > room) {
    const hidden = body.length - (room - 1);
    body.splice(room - 1, body.length, { type: 'context', elements: [{ type: 'mrkdwn', text: `… ${hidden} more sections not shown` }] });
  }
  return { text: slackFallbackText(message), blocks: [...head, ...body, ...tail] };
}

/** What we keep in a view's private_metadata so the submission can be routed back. */
interface ViewMetadata {
  id: string;
}

/** ChatForm → a modal view for views.open. */
export function renderSlackModal(form: ChatForm): ModalView {
  if (form.inputs.length === 0 || form.inputs.length > SLACK_LIMITS.viewBlocks)
    throw new AppError('CHAT.FORM_TOO_LARGE', 'This form cannot be shown on Slack.', { details: { inputs: form.inputs.length } });
  const id = encodeFormId(form, SLACK_LIMITS.callbackId);
  const blocks: InputBlock[] = form.inputs.map((input) => {
    const label = { type: 'plain_text' as const, text: truncate(input.label, SLACK_LIMITS.inputLabel), emoji: true };
    const placeholder = input.placeholder
      ? { placeholder: { type: 'plain_text' as const, text: truncate(input.placeholder, SLACK_LIMITS.placeholder) } }
      : {};
    const initial = input.initial !== undefined && input.initial !== '';
    let element: InputBlock['element'];
    if (input.kind === 'choice') {
      const options: PlainTextOption[] = (input.choices ?? []).slice(0, SLACK_LIMITS.options).map((c) => ({
        text: { type: 'plain_text', text: truncate(c.label, SLACK_LIMITS.optionText), emoji: true },
        value: c.value,
      }));
      if (options.length === 0) throw new AppError('CHAT.FORM_INVALID', 'This form cannot be shown on Slack.', { details: { input: input.name } });
      const chosen = options.find((o) => o.value === input.initial);
      element = { type: 'static_select', action_id: input.name, options, ...placeholder, ...(chosen ? { initial_option: chosen } : {}) };
    } else if (input.kind === 'number') {
      // Slack refuses a number_input whose prefill is not a number: leave such a prefill out.
      const numeric = initial && /^-?\d+(\.\d+)?$/.test(input.initial!.trim());
      element = { type: 'number_input', action_id: input.name, is_decimal_allowed: true, ...placeholder, ...(numeric ? { initial_value: input.initial!.trim() } : {}) };
    } else {
      element = {
        type: 'plain_text_input',
        action_id: input.name,
        multiline: input.kind === 'paragraph',
        ...placeholder,
        // within the input's limit (3000), or Slack refuses the whole modal
        ...(initial ? { initial_value: truncate(input.initial!, SLACK_LIMITS.textInputValue) } : {}),
      };
    }
    return { type: 'input', block_id: input.name, optional: !(input.required ?? false), label, element };
  });
  const metadata: ViewMetadata = { id };
  return {
    type: 'modal',
    callback_id: id.split('?')[0]!,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: truncate(form.title, SLACK_LIMITS.viewTitle), emoji: true },
    submit: { type: 'plain_text', text: 'Submit' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/**
 * The modal opened while a command is still running (Slack's trigger id lasts 3 seconds): replaced with
 * the form, or with the reply, by views.update when the command has answered.
 */
export function renderSlackLoadingModal(command: string): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: truncate(`/${command}`, SLACK_LIMITS.viewTitle), emoji: true },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Loading…' } }],
  };
}

/** A reply shown inside a modal (the command answered with a message where a form was expected, e.g. not allowed). */
export function renderSlackMessageModal(message: ChatMessage): ModalView {
  const { blocks } = renderSlackMessage({ ...message, image: undefined, buttons: undefined });
  return {
    type: 'modal',
    title: { type: 'plain_text', text: truncate(message.title, SLACK_LIMITS.viewTitle), emoji: true },
    close: { type: 'plain_text', text: 'Close' },
    blocks: blocks.slice(0, SLACK_LIMITS.viewBlocks),
  };
}

/** The parts of a view_submission payload's `view` we read. */
export interface SlackViewSubmission {
  callback_id: string;
  private_metadata?: string;
  state: {
    values: Record<
      string,
      Record<string, { type: string; value?: string | null; selected_option?: { value: string } | null; selected_options?: { value: string }[] }>
    >;
  };
}

/** Submitted view → command + options (context from private_metadata; blanks omitted). */
export function parseSlackViewSubmission(view: SlackViewSubmission): FormSubmission {
  let id = view.callback_id;
  if (view.private_metadata) {
    try {
      const meta = JSON.parse(view.private_metadata) as Partial<ViewMetadata>;
      if (typeof meta.id === 'string') id = meta.id;
    } catch {
      // Not ours: fall back to the callback id.
    }
  }
  const values: Record<string, string> = {};
  for (const block of Object.values(view.state.values))
    for (const [actionId, v] of Object.entries(block)) {
      if (typeof v.value === 'string') values[actionId] = v.value.trim();
      else if (v.selected_option) values[actionId] = v.selected_option.value;
      else if (v.selected_options) values[actionId] = v.selected_options.map((o) => o.value).join(',');
    }
  return toSubmission(decodeFormId(id), values);
}
