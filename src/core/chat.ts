/**
 * Platform-neutral chat messages and command inputs. Commands and use cases produce these; the adapters
 * in src/chat/{discord,slack,console} render them (embeds, Block Kit, terminal text) and translate
 * platform events (slash commands, buttons, modals) into CommandInput. No SDK types here.
 */

export type Platform = 'discord' | 'slack' | 'console';

/** A button that triggers a command (or opens that command's form) when pressed. */
export interface ChatButton {
  /** Stable action id, e.g. "feedback:done:2026-11-22". Adapters round-trip it untouched (≤ 100 chars). */
  id: string;
  label: string;
  style?: 'primary' | 'secondary' | 'danger' | 'success';
}

export interface ChatField {
  label: string;
  value: string;
  inline?: boolean;
}

export interface ChatImage {
  /** PNG bytes. */
  png: Buffer;
  filename: string;
  alt: string;
}

export interface ChatSection {
  title?: string;
  /** Plain text with light markdown: *bold*, _italic_, `code`, bullet lines starting with "• ". */
  text?: string;
  fields?: ChatField[];
}

export interface ChatMessage {
  /** Title line, e.g. "Tuesday 22 Nov — ENDURANCE 60 min". */
  title: string;
  /** One-paragraph summary; also the notification/fallback text. */
  summary: string;
  sections?: ChatSection[];
  buttons?: ChatButton[];
  image?: ChatImage;
  /** Visual tone for the colour bar: readiness / severity. */
  tone?: 'green' | 'amber' | 'red' | 'neutral';
  /** Footer, e.g. "policy dqn@3 · reply /why for the full explanation". */
  footer?: string;
  /** Only the requester sees it (slash-command replies). */
  ephemeral?: boolean;
}

/** A form the platform shows as a modal (Discord modal, Slack view) or the console asks line by line. */
export interface ChatForm {
  /** Command the submitted values are sent to, e.g. "feedback". */
  command: string;
  title: string;
  /** Extra fixed values passed along on submit (e.g. date). */
  context?: Record<string, string>;
  inputs: {
    name: string;
    label: string;
    kind: 'short' | 'paragraph' | 'number' | 'choice';
    required?: boolean;
    placeholder?: string;
    choices?: { value: string; label: string }[];
    initial?: string;
  }[];
}

/** What a command returns: a message, a form to open, or both (message then form). */
export interface CommandReply {
  message?: ChatMessage;
  form?: ChatForm;
  /** Messages to send elsewhere as a consequence (e.g. a coach override notifies the athlete). */
  notify?: { personId: string; message: ChatMessage }[];
}

/** A command invocation as every adapter hands it to the dispatcher. */
export interface CommandInput {
  platform: Platform;
  /** The platform's user id (Discord snowflake, Slack U…, console user name). */
  platformUserId: string;
  displayName?: string;
  /** Command name without slash, e.g. "feedback". */
  command: string;
  /** Sub-command for grouped commands, e.g. constraint add → "add". */
  subcommand?: string;
  /** Option values as strings (adapters don't interpret them; the command's schema does). */
  options: Record<string, string>;
  /** Workspace / guild and channel the command came from, when any. */
  workspaceId?: string;
  channelId?: string;
  /** Set when the input came from a button or a submitted form. */
  source?: 'slash' | 'button' | 'form' | 'text';
}
