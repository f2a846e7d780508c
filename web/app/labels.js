// The product's fixed vocabularies as offices name them.
export const ROLE = { office: '产改办', unit: '试点单位', observer: '改革观察员' };

export const PERSON_ROLE = { admin: '管理员', supervisor: '督办', viewer: '查看', unit_contact: '单位联络人' };

export const ROUND_STATUS = { open: '进行中', closing: '结算中', closed: '已结束', cancelled: '已撤销' };

export const TASK_STATUS = { issued: '已下发', submitted: '已提交', returned: '已退回', accepted: '已通过', overdue: '已逾期', waived: '已免除' };

/** The escalation ladder: 提醒, 催办, 督办, 上报, 通报. */
export const ESCALATION = { reminder: '提醒', overdue: '催办', supervision: '督办', escalated: '上报', public_notice: '通报' };

/** The Jiangxi "六有" checklist. */
export const EVIDENCE = { summary: '有总结', documents: '有资料', data: '有数据', boards: '有展板', site: '有现场', satisfaction: '有满意度' };
export const EVIDENCE_KINDS = Object.keys(EVIDENCE);

export const GRADE = { excellent: '优秀', good: '良好', pass: '合格', fail: '不合格' };

export const LIKERT = ['很不满意', '不满意', '一般', '满意', '很满意'];

export const OBSERVER_ROLE = { model_worker: '劳模', frontline: '一线职工', union_cadre: '工会干部' };

export const label = (table, key) => (key === null || key === undefined ? '—' : table[key] ?? key);
