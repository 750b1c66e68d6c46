// Starting templates for retention, as a marketer would begin them: every merge field has a
// fallback, every message carries the sender's address and an unsubscribe link.
export const starterFrame = (title: string, content: string, button?: { label: string; url: string }) => `<mjml>
  <mj-head>
    <mj-attributes><mj-all font-family="Helvetica, Arial, sans-serif" /><mj-text font-size="16px" line-height="24px" color="#1f2933" /></mj-attributes>
  </mj-head>
  <mj-body background-color="#f4f5f7">
    <mj-section background-color="#ffffff" padding="32px 24px">
      <mj-column>
        <mj-text font-size="24px" font-weight="bold">${title}</mj-text>
        ${content}${button ? `\n        <mj-button background-color="#4c6ef5" href="${button.url}">${button.label}</mj-button>` : ''}
      </mj-column>
    </mj-section>
    <mj-section padding="16px 24px">
      <mj-column>
        <mj-text font-size="12px" color="#616e7c">{{ workspace.name }}{% if workspace.postal_address != blank %} · {{ workspace.postal_address }}{% endif %}<br />
          <a href="{{ links.unsubscribe }}">Unsubscribe</a> · <a href="{{ links.preferences }}">Email preferences</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

const shopUrl = '{{ links.shop | default: "https://example.com" }}';

export const STARTERS = [
  {
    key: 'welcome',
    name: 'Welcome',
    description: 'The first message after signing up: thank them, say what to expect, one next step.',
    template: {
      name: 'Welcome',
      subject: 'Welcome to {{ workspace.name }}, {{ contact.first_name }}',
      preheader: 'Here is what happens next.',
      body: starterFrame(
        'Welcome, {{ contact.first_name }}!',
        '<mj-text>Thank you for joining {{ workspace.name }}. Every month we send one email with what is new, and the occasional offer only subscribers get.</mj-text>',
        { label: 'Take a look around', url: shopUrl },
      ),
      defaults: { 'contact.first_name': 'there' },
    },
  },
  {
    key: 'win_back',
    name: 'We miss you',
    description: 'For customers who have not bought in a while (pair it with the "No purchase in 90 days" segment).',
    template: {
      name: 'We miss you',
      subject: '{{ contact.first_name }}, it has been a while',
      preheader: 'Something to welcome you back.',
      body: starterFrame(
        'We miss you, {{ contact.first_name }}',
        '<mj-text>It has been some time since your last visit. Here is {{ contact.properties.winback_offer | default: "10% off" }} your next order, this week only.</mj-text>',
        { label: 'Come back and save', url: shopUrl },
      ),
      defaults: { 'contact.first_name': 'friend' },
    },
  },
  {
    key: 'loyalty_summary',
    name: 'Loyalty points summary',
    description: 'A statement of points and tier, what expires next and how far the next tier is (the loyalty program fills it).',
    template: {
      name: 'Loyalty points summary',
      subject: 'You have {{ loyalty.points | default: 0 }} points, {{ contact.first_name }}',
      preheader: 'Your {{ loyalty.tier | default: "member" }} statement.',
      body: starterFrame(
        'Your points',
        '<mj-text>Hello {{ contact.first_name }}, you have <strong>{{ loyalty.points | default: 0 }} points</strong>{% if loyalty.pending > 0 %} (and {{ loyalty.pending }} on their way){% endif %}{% if loyalty.tier != blank %}, and you are a <strong>{{ loyalty.tier }}</strong> member{% endif %}.</mj-text>' +
          '<mj-text>{% if loyalty.next_tier != blank and loyalty.points_to_next_tier %}{{ loyalty.points_to_next_tier }} more points and you reach {{ loyalty.next_tier }}. {% endif %}{% if loyalty.next_expiry_points > 0 %}{{ loyalty.next_expiry_points }} points can be used until {{ loyalty.next_expiry_date | date: "%-d %B %Y" }}: spend them before then.{% endif %}</mj-text>',
        { label: 'See your rewards', url: shopUrl },
      ),
      defaults: { 'contact.first_name': 'there' },
    },
  },
  {
    key: 'points_expiring',
    name: 'Your points are expiring',
    description: 'A reminder before points expire (pair it with the "Points expiring soon" segment).',
    template: {
      name: 'Your points are expiring',
      subject: '{{ loyalty.next_expiry_points }} of your points expire soon',
      preheader: 'Use them before {{ loyalty.next_expiry_date | date: "%-d %B" }}.',
      body: starterFrame(
        'Don’t lose your points, {{ contact.first_name }}',
        '<mj-text>{{ loyalty.next_expiry_points }} of your {{ loyalty.points }} points can be used until {{ loyalty.next_expiry_date | date: "%-d %B %Y" }}. After that they are gone.</mj-text>',
        { label: 'Spend my points', url: shopUrl },
      ),
      defaults: { 'contact.first_name': 'there' },
    },
  },
  {
    key: 'feedback_request',
    name: 'How was your order?',
    description: 'A few days after a purchase: ask for feedback while the order is fresh.',
    template: {
      name: 'How was your order?',
      subject: 'How was your order, {{ contact.first_name }}?',
      preheader: 'One question, ten seconds.',
      body: starterFrame(
        'How did we do?',
        '<mj-text>Hi {{ contact.first_name }}, thank you for your order{% if event.properties.order_id %} {{ event.properties.order_id }}{% endif %}. Would you recommend us to a friend?</mj-text>',
        { label: 'Answer one question', url: '{{ links.shop | default: "https://example.com" }}' },
      ),
      defaults: { 'contact.first_name': 'there' },
    },
  },
  {
    key: 'detractor_follow_up',
    name: 'Sorry we let you down',
    description: 'After a low score in a survey: say sorry, ask what went wrong, and offer to put it right.',
    template: {
      name: 'Sorry we let you down',
      subject: 'We are sorry, {{ contact.first_name }}',
      preheader: 'Tell us what went wrong and we will put it right.',
      body: starterFrame(
        'We hear you',
        '<mj-text>Hi {{ contact.first_name }}, thank you for your honest answer. We are sorry we let you down. Reply to this email and tell us what went wrong: a person reads every reply, and we will do our best to put it right.</mj-text>',
        { label: 'Visit the shop', url: shopUrl },
      ),
      defaults: { 'contact.first_name': 'there' },
    },
  },
  {
    key: 'exclusive_offer',
    name: 'Exclusive offer',
    description: 'An offer only this audience gets, with a code (the coupons module fills it).',
    template: {
      name: 'Exclusive offer',
      subject: 'Just for you, {{ contact.first_name }}',
      preheader: 'A code that works for you only.',
      body: starterFrame(
        'An offer just for you',
        '<mj-text>Use <strong>{{ contact.properties.coupon_code | default: "THANKYOU" }}</strong> at checkout before {{ contact.properties.coupon_expires | default: "the end of the month" }}.</mj-text>',
        { label: 'Shop now', url: shopUrl },
      ),
      defaults: { 'contact.first_name': 'friend' },
    },
  },
];
