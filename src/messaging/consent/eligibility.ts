// Who may get a message, as one SQL definition: the broadcast audience (counted beforehand,
// frozen at the start: broadcasts/audience.ts), the send to one contact (delivery/send-one.ts)
// and the check just before a single message leaves (delivery/send.ts) all embed it, so that
// they can never disagree about who is left out and why.
//
// Marketing mail (the default) goes to a subscribed contact with an address that is not on
// the suppression list and who did not leave the message's topic. Transactional mail (a
// receipt, a notice the person asked for) does not ask for consent or topics, but still never
// goes to an address that bounced, whose owner complained, or that was erased.

/** Why a contact is left out: the categories the audience estimate counts. */
export type LeftOut = 'no_email' | 'suppressed' | 'not_subscribed' | 'left_topic' | 'control_group';

export interface EligibilityOptions {
  /** The workspace, as SQL (a parameter such as `$1`). */
  workspace: string;
  /** The topic the message is about, as SQL (`$3`; null: none). */
  topic: string;
  /** The alias of the contacts row (it may be null-extended by a left join: no contact). */
  contact?: string;
  /** The address the message goes to, as SQL: the contact's by default. */
  email?: string;
  /** Whose topic the reason names: "the contact left the broadcast's topic". */
  topicOf?: string;
  transactional?: boolean;
}

export interface EligibilitySql {
  /** Finds the address on the suppression list (alias `sp`): put it after the contacts row. */
  join: string;
  /** Why no message may go (a LeftOut), or null when one may. */
  leftOut: string;
  /** The same as a sentence, in the words message rows record (null when one may go). */
  why: string;
}

export function eligibilitySql(o: EligibilityOptions): EligibilitySql {
  const c = o.contact ?? 'c';
  const email = o.email ?? `${c}.email`;
  const topicOf = (o.topicOf ?? "message's").replaceAll("'", "''");
  const join = `left join suppressions sp on sp.workspace_id = ${o.workspace} and sp.email_hash = encode(sha256(convert_to(${email}, 'UTF8')), 'hex')`;
  if (o.transactional) {
    return {
      join,
      leftOut: `case when ${email} is null then 'no_email'
                     when sp.reason is not null and sp.reason <> 'unsubscribed' then 'suppressed'
                     when ${c}.email_status in ('bounced', 'complained') then 'not_subscribed' end`,
      why: `case when ${email} is null then 'the contact has no email address'
                 when sp.reason is not null and sp.reason <> 'unsubscribed' then 'on the suppression list (' || sp.reason || ')'
                 when ${c}.email_status in ('bounced', 'complained') then 'the contact is ' || ${c}.email_status end`,
    };
  }
  const leftTopic = `exists (select 1 from email_topic_optouts o where o.topic_id = ${o.topic} and o.contact_id = ${c}.id)`;
  // The workspace's control group (workspaces.control_bp, in basis points): the same contacts
  // as the workflows' (src/workflows/engine/run-context.ts `inControlGroup`: the first 32 bits
  // of md5('control:' || id), modulo 10,000).
  const control = `((('x' || substr(md5('control:' || ${c}.id::text), 1, 8))::bit(32)::bigint) % 10000 < (select w.control_bp from workspaces w where w.id = ${o.workspace}))`;
  return {
    join,
    leftOut: `case when ${email} is null then 'no_email'
                   when sp.reason is not null then 'suppressed'
                   when ${c}.email_status <> 'subscribed' then 'not_subscribed'
                   when ${leftTopic} then 'left_topic'
                   when ${control} then 'control_group' end`,
    why: `case when ${email} is null then 'the contact has no email address'
               when sp.reason is not null then 'on the suppression list (' || sp.reason || ')'
               when ${c}.email_status <> 'subscribed' then 'the contact is ' || replace(${c}.email_status, '_', ' ')
               when ${leftTopic} then 'the contact left the ${topicOf} topic'
               when ${control} then 'the contact is in the control group (no marketing email)' end`,
  };
}

/** Why one contact gets no message, as the send to one contact reports it (most specific first). */
export type SkipReason = 'no_contact' | 'no_email' | 'unsubscribed' | 'bounced' | 'complained' | 'suppressed' | 'not_subscribed' | 'left_topic' | 'control_group';

/**
 * The reason for a contact left out (`leftOut` not null), named after the person's own state
 * where it says more than the category: an unsubscribed contact is also on the suppression list,
 * and "unsubscribed" is what whoever reads the outcome needs to know.
 */
export function skipReason(leftOut: LeftOut, emailStatus: string | null, transactional = false): SkipReason {
  if (leftOut === 'no_email' || leftOut === 'left_topic' || leftOut === 'control_group') return leftOut;
  if (emailStatus === 'bounced' || emailStatus === 'complained') return emailStatus;
  if (emailStatus === 'unsubscribed' && !transactional) return 'unsubscribed';
  return leftOut === 'suppressed' ? 'suppressed' : 'not_subscribed';
}
