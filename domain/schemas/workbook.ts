import type { EscalationLevel, TaskStatus } from '../vocabulary';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const TASK_STATUS_LABELS: Record<TaskStatus, string> = {
  issued: '已下发',
  submitted: '已提交',
  returned: '已退回',
  accepted: '已通过',
  overdue: '已逾期',
  waived: '已免除',
};

/** The ladder's rungs as offices name them: 提醒, 催办, 督办, 上报, 通报. */
export const ESCALATION_LABELS: Record<EscalationLevel, string> = {
  reminder: '提醒',
  overdue: '催办',
  supervision: '督办',
  escalated: '上报',
  public_notice: '通报',
};

export const UNIT_SHEET = { name: '单位', headers: ['单位', '单位代码', '所属产改办', '完成率', '及时率', '质量', '满意度', '扣分', '总分', '等次', '排名'] } as const;
export const OFFICE_SHEET = { name: '产改办', headers: ['产改办', '单位数', '平均分', '优秀', '良好', '合格', '不合格', '同级排名'] } as const;
export const TASK_SHEET = { name: '任务', headers: ['单位', '任务编码', '任务', '类别', '权重', '状态', '截止日期', '提交时间', '评分', '最高督办级别'] } as const;
