/**
 * ChatMessage → Discord message payload (REST v10), and ChatForm ⇄ Discord modal.
 *
 * Message: an embed (colour bar by tone, summary as description, section text and fields as embed
 * fields, footer, chart as `attachment://<file>` image) plus the buttons as action rows of ≤ 5. Every
 * Discord limit is enforced here so a long message never turns into a 400 from Discord: title 256,
 * description 4096, field name 256 / value 1024, footer 2048, 5 rows × 5 buttons, button label 80,
 * custom_id 100 are shortened with "…"; a list longer than that is never cut: a section's text goes on in
 * further fields (split between entries), fields beyond 25 in further embeds (10 per message), and what
 * exceeds a message's 6000 characters (counted over all its embeds) in further messages. So
 * renderDiscordMessage gives one payload per Discord message; senders post them in order. (The first
 * version dropped fields from the end to fit one embed: a 40-athlete team board showed 10 athletes.)
 */
import type {
  APIActionRowComponent,
  APIButtonComponentWithCustomId,
  APIEmbed,
  APIEmbedField,
  APILabelComponent,
  APIModalInteractionResponseCallbackData,
  RESTPostAPIChannelMessageJSONBody,
} from 'discord.js';
import type { ChatButton, ChatForm, ChatMessage } from '../../core/chat.ts';
import { AppError } from '../../errors.ts';
import { decodeFormId, encodeFormId, toSubmission, type FormSubmission } from '../form-id.ts';
import { chunkEntries, toDiscordMarkdown, truncate } from '../text.ts';

export const DISCORD_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  embedsPerMessage: 10,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  embedTotal: 6000,
  buttonsPerRow: 5,
  rows: 5,
  buttonLabel: 80,
  customId: 100,
  content: 2000,
  modalTitle: 45,
  modalComponents: 5,
  labelText: 45,
  placeholder: 100,
  selectPlaceholder: 150,
  selectOptions: 25,
  optionLabel: 100,
  textInputValue: 4000,
  attachmentDescription: 1024,
  nonce: 25,
} as const;

export const TONE_COLORS = { green: 0x2ecc71, amber: 0xf1a40f, red: 0xe74c3c, neutral: 0x5865f2 } as const;

/** Discord's button styles: Primary 1, Secondary 2, Success 3, Danger 4. */
const BUTTON_STYLE = { primary: 1, secondary: 2, success: 3, danger: 4 } as const;

/** Zero-width space: Discord requires non-empty field names and values. */
export const BLANK = '\u200b';

export interface DiscordFile {
  name: string;
  data: Buffer;
  contentType: string;
}

export interface DiscordMessagePayload {
  body: RESTPostAPIChannelMessageJSONBody;
  /** Sent as multipart `files[n]` next to `payload_json` (discord.js REST does this for us). */
  files: DiscordFile[];
}

export interface DiscordRenderOptions {
  /** Text above the embed, e.g. "<@123> …" for the DM-closed fallback. */
  content?: string;
  /** Users that `content` may ping; nobody else is ever pinged. */
  mentionUserIds?: string[];
  /** Idempotency: Discord returns the earlier message instead of creating a second one (≤ 25 chars). */
  nonce?: string;
}

/** Attachment filenames must be plain for `attachment://` to resolve. */
export function safeFilename(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  return cleaned === '' ? 'image.png' : cleaned.slice(-100);
}

function embedLength(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0) +
    (e.fields ?? []).reduce((s, f) => s + f.name.length + f.value.length, 0)
  );
}

/** Fields are counted by name and value only (what Discord adds up towards the 6000). */
function fieldLength(f: APIEmbedField): number {
  return f.name.length + f.value.length;
}

/**
 * Sections → fields. A section's text longer than one field (1024) continues in further fields named
 * "<title> (continued)", split between entries (chunkEntries), so a long list is never cut.
 */
function fieldsOf(message: ChatMessage): APIEmbedField[] {
  const fields: APIEmbedField[] = [];
  for (const section of message.sections ?? []) {
    const hasText = section.text !== undefined && section.text.trim() !== '';
    const title = section.title ? truncate(section.title, DISCORD_LIMITS.fieldName) : BLANK;
    if (hasText)
      chunkEntries(toDiscordMarkdown(section.text!), DISCORD_LIMITS.fieldValue).forEach((value, i) =>
        fields.push({ name: i === 0 ? title : truncate(`${section.title ?? ''} (continued)`.trim(), DISCORD_LIMITS.fieldName), value: value.trim() === '' ? BLANK : value, inline: false }),
      );
    else if (section.title) fields.push({ name: title, value: BLANK, inline: false });
    for (const f of section.fields ?? [])
      fields.push({
        name: truncate(f.label || BLANK, DISCORD_LIMITS.fieldName),
        value: truncate(toDiscordMarkdown(f.value) || BLANK, DISCORD_LIMITS.fieldValue),
        inline: f.inline ?? false,
      });
  }
  return fields;
}

export function checkCustomId(id: string): string {
  if (id.length === 0 || id.length > DISCORD_LIMITS.customId)
    throw new AppError('CHAT.CUSTOM_ID_INVALID', 'This button cannot be shown.', { details: { id, length: id.length } });
  return id;
}

export function renderDiscordButtons(buttons: readonly ChatButton[]): APIActionRowComponent<APIButtonComponentWithCustomId>[] {
  const max = DISCORD_LIMITS.rows * DISCORD_LIMITS.buttonsPerRow;
  if (buttons.length > max)
    throw new AppError('CHAT.TOO_MANY_BUTTONS', 'This message has too many buttons.', { details: { count: buttons.length, max } });
  const rows: APIActionRowComponent<APIButtonComponentWithCustomId>[] = [];
  buttons.forEach((b, i) => {
    if (i % DISCORD_LIMITS.buttonsPerRow === 0) rows.push({ type: 1, components: [] });
    rows[rows.length - 1]!.components.push({
      type: 2,
      style: BUTTON_STYLE[b.style ?? 'secondary'],
      label: truncate(b.label, DISCORD_LIMITS.buttonLabel),
      custom_id: checkCustomId(b.id),
    });
  });
  return rows;
}

/**
 * The message's embeds, grouped per Discord message. The first embed carries title, summary and chart;
 * fields follow, 25 to an embed and 10 embeds to a message; whatever does not fit in a message's
 * 6000 characters (counted over all its embeds) goes on in the next message, whose first embed is titled
 * "<title> (continued)". The footer closes the last embed. Nothing is dropped.
 */
export function renderDiscordEmbeds(message: ChatMessage): APIEmbed[][] {
  const color = TONE_COLORS[message.tone ?? 'neutral'];
  const footer = message.footer ? truncate(message.footer, DISCORD_LIMITS.footer) : undefined;
  const budget = DISCORD_LIMITS.embedTotal - (footer?.length ?? 0);
  const head: APIEmbed = { title: truncate(message.title, DISCORD_LIMITS.title), description: truncate(toDiscordMarkdown(message.summary), DISCORD_LIMITS.description), color };
  const over = embedLength(head) - budget;
  if (over > 0) head.description = truncate(head.description!, Math.max(1, head.description!.length - over));
  if (message.image) head.image = { url: `attachment://${safeFilename(message.image.filename)}` };
  const messages: APIEmbed[][] = [[head]];
  let used = embedLength(head);
  for (const field of fieldsOf(message)) {
    let embeds = messages[messages.length - 1]!;
    let embed = embeds[embeds.length - 1]!;
    if (used + fieldLength(field) > budget) {
      const title = truncate(`${message.title} (continued)`, DISCORD_LIMITS.title);
      embed = { title, color };
      embeds = [embed];
      messages.push(embeds);
      used = title.length;
    } else if ((embed.fields?.length ?? 0) >= DISCORD_LIMITS.fields) {
      if (embeds.length >= DISCORD_LIMITS.embedsPerMessage) {
        const title = truncate(`${message.title} (continued)`, DISCORD_LIMITS.title);
        embeds = [];
        messages.push(embeds);
        embed = { title, color };
        used = title.length;
      } else embed = { color };
      embeds.push(embed);
    }
    (embed.fields ??= []).push(field);
    used += fieldLength(field);
  }
  if (footer) messages[messages.length - 1]!.at(-1)!.footer = { text: footer };
  return messages;
}

/**
 * The bodies and files for POST /channels/{id}/messages (or an interaction response and its follow-ups):
 * one per Discord message, in order. Content, mentions and the chart go with the first, the buttons with
 * the last. With a nonce, part n > 0 sends the nonce with "~n" in its last characters (each part is
 * deduplicated on its own).
 */
export function renderDiscordMessage(message: ChatMessage, options: DiscordRenderOptions = {}): DiscordMessagePayload[] {
  if (options.nonce !== undefined && (options.nonce.length === 0 || options.nonce.length > DISCORD_LIMITS.nonce))
    throw new AppError('CHAT.NONCE_INVALID', 'Internal: Discord nonce must be 1–25 characters.', { details: { nonce: options.nonce } });
  const parts = renderDiscordEmbeds(message);
  const components = message.buttons && message.buttons.length > 0 ? renderDiscordButtons(message.buttons) : undefined;
  return parts.map((embeds, n) => {
    const body: RESTPostAPIChannelMessageJSONBody = {};
    if (n === 0 && options.content) body.content = truncate(options.content, DISCORD_LIMITS.content);
    body.embeds = embeds;
    if (components && n === parts.length - 1) body.components = components;
    const files: DiscordFile[] = [];
    if (n === 0 && message.image) {
      const filename = safeFilename(message.image.filename);
      body.attachments = [{ id: 0, filename, description: truncate(message.image.alt, DISCORD_LIMITS.attachmentDescription) }];
      files.push({ name: filename, data: message.image.png, contentType: 'image/png' });
    }
    body.allowed_mentions = n === 0 && options.mentionUserIds?.length ? { parse: [], users: options.mentionUserIds } : { parse: [] };
    // No EPHEMERAL flag (64) here: Discord accepts it only on interaction responses, where
    // interactions.ts sets it; a channel post or DM carrying it is refused (400 / 50035).
    if (options.nonce !== undefined) {
      body.nonce = n === 0 ? options.nonce : `${options.nonce.slice(0, DISCORD_LIMITS.nonce - `~${n}`.length)}~${n}`;
      body.enforce_nonce = true;
    }
    return { body, files };
  });
}

/** ChatForm → the data of a modal interaction response (type 9). ≤ 5 inputs, ids ≤ 100 characters. */
export function renderDiscordModal(form: ChatForm): APIModalInteractionResponseCallbackData {
  if (form.inputs.length === 0 || form.inputs.length > DISCORD_LIMITS.modalComponents)
    throw new AppError('CHAT.FORM_TOO_LARGE', 'This form cannot be shown on Discord.', {
      details: { inputs: form.inputs.length, max: DISCORD_LIMITS.modalComponents },
    });
  const components: APILabelComponent[] = form.inputs.map((input) => {
    const label = truncate(input.label, DISCORD_LIMITS.labelText);
    const required = input.required ?? false;
    if (input.kind === 'choice') {
      const choices = input.choices ?? [];
      if (choices.length === 0 || choices.length > DISCORD_LIMITS.selectOptions)
        throw new AppError('CHAT.FORM_INVALID', 'This form cannot be shown on Discord.', { details: { input: input.name, choices: choices.length } });
      return {
        type: 18,
        label,
        component: {
          type: 3,
          custom_id: checkCustomId(input.name),
          required,
          min_values: required ? 1 : 0,
          max_values: 1,
          ...(input.placeholder ? { placeholder: truncate(input.placeholder, DISCORD_LIMITS.selectPlaceholder) } : {}),
          options: choices.map((c) => ({
            label: truncate(c.label, DISCORD_LIMITS.optionLabel),
            value: c.value,
            ...(input.initial === c.value ? { default: true } : {}),
          })),
        },
      };
    }
    // The prefill must fit the input's own max_length (Discord refuses the modal otherwise): text is cut
    // with "…", a number that long is no number and is left out.
    const maxLength = input.kind === 'number' ? 20 : input.kind === 'paragraph' ? DISCORD_LIMITS.textInputValue : 200;
    const initial = input.initial === undefined || input.initial === '' || (input.kind === 'number' && input.initial.length > maxLength) ? undefined : truncate(input.initial, maxLength);
    return {
      type: 18,
      label,
      component: {
        type: 4,
        custom_id: checkCustomId(input.name),
        style: input.kind === 'paragraph' ? 2 : 1,
        required,
        max_length: maxLength,
        ...(input.placeholder ? { placeholder: truncate(input.placeholder, DISCORD_LIMITS.placeholder) } : {}),
        ...(initial !== undefined ? { value: initial } : {}),
      },
    };
  });
  return {
    custom_id: encodeFormId(form, DISCORD_LIMITS.customId),
    title: truncate(form.title, DISCORD_LIMITS.modalTitle),
    components,
  };
}

/** The submitted modal as Discord sends it (interaction.data of a MODAL_SUBMIT, type 5). */
export interface DiscordModalSubmitData {
  custom_id: string;
  components: readonly DiscordSubmittedComponent[];
}
type DiscordSubmittedLeaf = { type: number; custom_id?: string; value?: string; values?: readonly string[] };
type DiscordSubmittedComponent = DiscordSubmittedLeaf & {
  /** Label (type 18) wraps one component. */
  component?: DiscordSubmittedLeaf;
  /** Legacy action row (type 1) wraps text inputs. */
  components?: readonly DiscordSubmittedLeaf[];
};

/** Submitted modal → command + options (values as strings; context from the custom_id; blanks omitted). */
export function parseDiscordModalSubmit(data: DiscordModalSubmitData): FormSubmission {
  const values: Record<string, string> = {};
  const take = (leaf: DiscordSubmittedLeaf | undefined) => {
    if (!leaf?.custom_id) return;
    if (typeof leaf.value === 'string') values[leaf.custom_id] = leaf.value.trim();
    else if (Array.isArray(leaf.values)) values[leaf.custom_id] = leaf.values.join(',');
  };
  for (const c of data.components) {
    if (c.component) take(c.component);
    else if (c.components) c.components.forEach(take);
    else take(c);
  }
  return toSubmission(decodeFormId(data.custom_id), values);
}
