/**
 * Raw Discord interaction payloads (API v10), as the gateway delivers them in INTERACTION_CREATE:
 * type 2 APPLICATION_COMMAND (data.type 1 CHAT_INPUT), 3 MESSAGE_COMPONENT (button: component_type 2,
 * with the message it sits on), 5 MODAL_SUBMIT (label components wrapping the submitted inputs).
 */
export const APP_ID = '1100000000000000001';
export const GUILD = '900000000000000001';
export const CHANNEL = '900000000000000002';

let seq = 0;
const snowflake = () => String(1_200_000_000_000_000_000n + BigInt(++seq));

export function user(id: string, name = `user${id.slice(-4)}`) {
  return { id, username: name, global_name: name.charAt(0).toUpperCase() + name.slice(1), discriminator: '0', avatar: null };
}

function base(type: number, userId: string, where: { guild?: string | null; channel?: string } = {}) {
  const guild = where.guild === undefined ? GUILD : where.guild;
  const channel = where.channel ?? CHANNEL;
  const u = user(userId);
  return {
    id: snowflake(),
    application_id: APP_ID,
    type,
    token: `itok-${seq}-${Math.random().toString(36).slice(2, 10)}`,
    version: 1,
    locale: 'en-GB',
    app_permissions: '0',
    entitlements: [],
    authorizing_integration_owners: { '0': guild ?? '0' },
    context: guild ? 0 : 1,
    channel_id: channel,
    channel: { id: channel, type: guild ? 0 : 1 },
    ...(guild
      ? { guild_id: guild, guild_locale: 'en-GB', member: { user: u, roles: [], permissions: '0', joined_at: '2026-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 } }
      : { user: u }),
  };
}

type Opt = { name: string; type: number; value?: string | number | boolean; options?: Opt[] };

/** A slash command; `options` values typed as Discord sends them (numbers for INTEGER options). */
export function slash(userId: string, name: string, options: Opt[] = [], where: { guild?: string | null; channel?: string } = {}) {
  return { ...base(2, userId, where), data: { id: snowflake(), name, type: 1, options } };
}

export function button(userId: string, customId: string, where: { guild?: string | null; channel?: string } = {}) {
  const b = base(3, userId, where);
  return {
    ...b,
    data: { custom_id: customId, component_type: 2 },
    message: {
      id: snowflake(),
      channel_id: b.channel_id,
      author: { ...user('1000000000000000001', 'twincoach'), bot: true },
      content: '',
      timestamp: '2026-11-22T06:30:00.000Z',
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [{ type: 1, components: [{ type: 2, style: 3, label: 'Done', custom_id: customId }] }],
      pinned: false,
      type: 0,
      flags: 0,
    },
  };
}

/** A submitted modal: text inputs (type 4) carry value, selects (type 3) carry values, each in a label (18). */
export function modalSubmit(userId: string, customId: string, fields: Record<string, string | string[]>, where: { guild?: string | null; channel?: string } = {}) {
  return {
    ...base(5, userId, where),
    data: {
      custom_id: customId,
      components: Object.entries(fields).map(([id, v], i) => ({
        type: 18,
        id: i + 1,
        component: Array.isArray(v) ? { type: 3, id: 100 + i, custom_id: id, values: v } : { type: 4, id: 100 + i, custom_id: id, value: v },
      })),
    },
  };
}

export const STRING = 3;
export const INTEGER = 4;
export const BOOLEAN = 5;
export const USER = 6;
export const SUB_COMMAND = 1;
